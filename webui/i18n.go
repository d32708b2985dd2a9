package webui

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.json
var localeFS embed.FS

// languages the UI speaks, Spanish first.
var uiLanguages = []language.Tag{language.Spanish, language.English}

func newBundle() (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.Spanish)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, tag := range uiLanguages {
		name := "locales/" + tag.String() + ".json"
		data, err := localeFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("webui: %w", err)
		}
		if _, err := b.ParseMessageFileBytes(data, name); err != nil {
			return nil, fmt.Errorf("webui: %s: %w", name, err)
		}
	}
	return b, nil
}

// translator returns the template function "t" for one language: the
// message with that ID, with optional key/value pairs for its template
// data. A missing message fails at start (see checkCatalogues), so at run
// time the ID itself is the last resort.
func translator(loc *i18n.Localizer) func(id string, kv ...any) string {
	return func(id string, kv ...any) string {
		data := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			data[fmt.Sprint(kv[i])] = kv[i+1]
		}
		cfg := &i18n.LocalizeConfig{MessageID: id, TemplateData: data}
		if n, ok := data["Count"]; ok {
			cfg.PluralCount = fmt.Sprint(n) // go-i18n takes numbers as strings of any width
		}
		msg, err := loc.Localize(cfg)
		if err != nil {
			return id
		}
		return msg
	}
}

// checkCatalogues makes sure every language has every message the
// Spanish catalogue has.
func checkCatalogues() error {
	ids := make([]map[string]json.RawMessage, len(uiLanguages))
	for i, tag := range uiLanguages {
		data, err := localeFS.ReadFile("locales/" + tag.String() + ".json")
		if err != nil {
			return err
		}
		if err := json.Unmarshal(data, &ids[i]); err != nil {
			return fmt.Errorf("webui: locales/%s.json: %w", tag, err)
		}
	}
	for i := 1; i < len(ids); i++ {
		for id := range ids[0] {
			if _, ok := ids[i][id]; !ok {
				return fmt.Errorf("webui: locales/%s.json lacks message %q", uiLanguages[i], id)
			}
		}
	}
	return nil
}

// requestLanguage picks the UI language: ?lang=, then the "lang" cookie,
// then Accept-Language; Spanish when nothing says otherwise.
func requestLanguage(r *http.Request) string {
	for _, v := range []string{r.URL.Query().Get("lang"), cookieValue(r, "lang")} {
		if v == "es" || v == "en" {
			return v
		}
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err == nil {
		for _, t := range tags {
			base, _ := t.Base()
			switch base.String() {
			case "es":
				return "es"
			case "en":
				return "en"
			}
		}
	}
	return "es"
}

func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(c.Value)
}
