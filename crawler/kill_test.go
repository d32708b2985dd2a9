package crawler

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"observatory"
	"observatory/store"
)

// syntheticOutlet serves a feed of n items and their pages, each page a
// different short story, generated rather than read from files.
func syntheticOutlet(t testing.TB, n int, page func(w http.ResponseWriter, r *http.Request, k int) bool) *outlet {
	o := newOutlet(t, "")
	o.handle("/feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Sintético</title><link>%s/</link><language>es</language>`, o.URL)
		for k := 1; k <= n; k++ {
			fmt.Fprintf(w, `<item><title>Nota %d</title><link>%s/art/%d?utm_source=rss</link><pubDate>%s</pubDate><description>Resumen %d</description></item>`,
				k, o.URL, k, time.Date(2026, 11, 1, 0, k, 0, 0, time.UTC).Format(time.RFC1123Z), k)
		}
		fmt.Fprint(w, `</channel></rss>`)
	})
	o.handle("/art/", func(w http.ResponseWriter, r *http.Request) {
		k, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/art/"))
		if page != nil && !page(w, r, k) {
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(articlePage(o.URL, k))
	})
	return o
}

var words = strings.Fields(`migración frontera mujeres trabajo salud escuela cosecha albergue familia
retorno remesas empleo derechos comunidad vivienda transporte mercado lluvia ministerio municipio
organización defensoría censo elecciones puerto carretera hospital universidad juventud agricultura`)

// articlePage is a plausible news page whose text differs from every
// other k's.
func articlePage(base string, k int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>Nota %d | Sintético</title>
<link rel="canonical" href="%s/art/%d"><meta property="article:published_time" content="2026-11-01T00:%02d:00Z">
<meta name="author" content="Redacción %d"></head><body><nav><a href="/">Portada</a> <a href="/pais">País</a></nav><article><h1>Nota %d</h1>`,
		k, base, k, k%60, k, k)
	x := uint32(k*2654435761 + 1)
	for p := 0; p < 5; p++ {
		b.WriteString("<p>")
		for w := 0; w < 40; w++ {
			x ^= x << 13
			x ^= x >> 17
			x ^= x << 5
			b.WriteString(words[x%uint32(len(words))])
			b.WriteByte(' ')
		}
		b.WriteString("final.</p>\n")
	}
	b.WriteString(`</article><footer>Todos los derechos reservados</footer></body></html>`)
	return []byte(b.String())
}

const killChildEnv = "CRAWLER_KILL_CHILD_DB"

// TestKillMidCycle kills (SIGKILL) a crawling process in the middle of a
// cycle: on restart nothing already stored is lost or duplicated, and the
// cycle resumes where it stopped.
func TestKillMidCycle(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		killChild(t, path)
		return
	}
	const n, killAt = 12, 6
	var hang atomic.Bool
	hang.Store(true)
	reached := make(chan struct{}, 1)
	o := syntheticOutlet(t, n, func(w http.ResponseWriter, r *http.Request, k int) bool {
		if k == killAt && hang.Load() {
			reached <- struct{}{}
			<-r.Context().Done() // until the child dies
			return false
		}
		return true
	})
	path := filepath.Join(t.TempDir(), "observatory.db")
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	src := addSource(t, db, "Sintético", o.URL+"/feed.xml")
	db.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestKillMidCycle$", "-test.v")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-reached:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the child never reached item %d:\n%s", killAt, out.String())
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	cmd.Wait()
	hang.Store(false)

	ctx := context.Background()
	db, err = store.Open(path, store.Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("reopen after SIGKILL: %v", err)
	}
	defer db.Close()
	before := make(map[string]observatory.Article)
	db.ForEachArticle(ctx, 100, func(arts []observatory.Article) error {
		for _, a := range arts {
			before[a.ID] = a
		}
		return nil
	})
	if len(before) != killAt-1 {
		t.Fatalf("after the kill: %d articles stored, want %d (those before item %d)", len(before), killAt-1, killAt)
	}

	c := newCrawler(t, testConfig(db))
	sums, err := c.RunOnce(ctx, src.ID)
	if err != nil {
		t.Fatal(err)
	}
	if s := sums[0]; s.New != n-(killAt-1) || s.Known != killAt-1 || s.Err != "" {
		t.Errorf("resumed cycle: got %+v, want %d new and %d known", s, n-(killAt-1), killAt-1)
	}
	if got, _ := db.CountArticles(ctx); got != n {
		t.Errorf("articles after resuming: got %d, want %d", got, n)
	}
	for k := 1; k <= n; k++ {
		canon := fmt.Sprintf("%s/art/%d", o.URL, k)
		id, ok, _ := db.ArticleByLink(ctx, canon)
		if !ok || id != observatory.ArticleID(canon) {
			t.Errorf("item %d: got %q %v, want stored once under its canonical URL", k, id, ok)
		}
		if k < killAt {
			a, err := db.Article(ctx, id)
			if err != nil || a.Text != before[id].Text || !a.Fetched.Equal(before[id].Fetched) {
				t.Errorf("item %d changed or lost after restart: %v", k, err)
			}
			if o.count(fmt.Sprintf("/art/%d", k)) != 1 {
				t.Errorf("item %d was fetched again after restart", k)
			}
		}
	}
}

// killChild is the process that gets killed: it crawls the store's
// sources until its parent kills it.
func killChild(t *testing.T, path string) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(db)
	cfg.FetchTimeout = time.Minute // wait to be killed, not timed out
	sums, err := newCrawler(t, cfg).RunOnce(context.Background())
	t.Fatalf("the child finished its cycle instead of being killed: %+v, %v", sums, err)
}
