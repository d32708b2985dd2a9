package classify

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestWriteTextAndJSON(t *testing.T) {
	c := newDefault(t)
	title, body := readFixture(t, "banda-venezolanos-asaltos.txt")
	r := c.Analyze(title, body)
	var txt bytes.Buffer
	if err := WriteText(&txt, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Xenofobia / Xenophobia [xenophobia]: ASIGNADA", "Género / Gender [gender]: no asignada", "crime-framing", "«Capturan a banda de venezolanos ilegales", c.Version()} {
		if !strings.Contains(txt.String(), want) {
			t.Errorf("text output lacks %q:\n%s", want, txt.String())
		}
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var back Result
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatalf("JSON output does not decode: %v", err)
	}
	if !slices.Equal(back.Assigned(), r.Assigned()) || len(back.Tags) != 3 {
		t.Errorf("JSON round trip: tags %v (%d), want %v (3)", back.Assigned(), len(back.Tags), r.Assigned())
	}
	if back.Tags[2].Explanation[0].Sentence == "" || back.Tags[2].Explanation[0].Rule == "" {
		t.Errorf("JSON evidence lacks sentence or rule: %+v", back.Tags[2].Explanation[0])
	}
}

func TestClassifyJSONL(t *testing.T) {
	c := newDefault(t)
	long := `{"id":"big","title":"` + strings.Repeat("a", MaxJSONLLine) + `"}`
	in := strings.Join([]string{
		`{"id":"a1","title":"Mujeres migrantes nicaragüenses sostienen la cosecha de café","body":"Las trabajadoras migrantes denuncian salarios bajos."}`,
		``,
		`{"id":"a2","title":"Saprissa vence a Alajuelense","body":"Un clásico lleno de goles."}`,
		`{"id": "broken"`,
		long,
		`{"id":"a3","title":"Capturan a venezolanos ilegales tras ola de asaltos","body":"La zona sufre una invasión de extranjeros."}`,
	}, "\n") // the last line has no newline
	var out bytes.Buffer
	err := ClassifyJSONL(context.Background(), c, strings.NewReader(in), &out)
	var be *BatchError
	if !errors.As(err, &be) || !slices.Equal(be.Lines, []int{4, 5}) || be.Total != 6 {
		t.Fatalf("err = %v, want a BatchError for lines 4 and 5 of 6", err)
	}
	sc := bufio.NewScanner(&out)
	var lines []map[string]any
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("output line %q is not JSON: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 5 {
		t.Fatalf("%d output lines, want 5", len(lines))
	}
	tagList := func(m map[string]any) []string {
		var out []string
		tags, _ := m["tags"].([]any)
		for _, t := range tags {
			out = append(out, t.(map[string]any)["tag"].(string))
		}
		return out
	}
	wants := []struct {
		id   string
		tags []string
		line float64
	}{
		{"a1", []string{"migration", "gender"}, 0},
		{"a2", nil, 0},
		{"", nil, 4},
		{"", nil, 5},
		{"a3", []string{"migration", "xenophobia"}, 0},
	}
	for i, w := range wants {
		m := lines[i]
		if w.line != 0 {
			if m["line"] != w.line || !strings.Contains(m["error"].(string), "line") {
				t.Errorf("output %d = %v, want an error for line %v", i, m, w.line)
			}
			if _, ok := m["tags"].([]any); !ok || m["lexicon_version"] != c.Version() {
				t.Errorf("output %d = %v: an error line keeps the result shape (tags, lexicon_version)", i, m)
			}
			continue
		}
		if m["id"] != w.id || !slices.Equal(tagList(m), w.tags) || m["lexicon_version"] != c.Version() {
			t.Errorf("output %d = id %v tags %v version %v, want %s %v %s", i, m["id"], tagList(m), m["lexicon_version"], w.id, w.tags, c.Version())
		}
		if tags, ok := m["tags"].([]any); !ok || (len(w.tags) > 0 && len(tags[0].(map[string]any)["explanation"].([]any)) == 0) {
			t.Errorf("output %d: tags must be a list with explanations: %v", i, m["tags"])
		}
	}
}

func TestClassifyJSONLCancelled(t *testing.T) {
	c := newDefault(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := ClassifyJSONL(ctx, c, strings.NewReader(`{"id":"x"}`+"\n"), &bytes.Buffer{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
