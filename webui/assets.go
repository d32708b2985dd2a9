package webui

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

//go:embed static
var staticFS embed.FS

// assets serves the embedded static files under content-hashed names
// (style.3f2a9c1e.css), so they can be cached for a year.
type assets struct {
	byName map[string]asset // hashed name → file
	urls   map[string]string
}

type asset struct {
	data  []byte
	ctype string
}

func loadAssets() (*assets, error) {
	a := &assets{byName: map[string]asset{}, urls: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		name := path.Base(p)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:4]) + ext
		a.byName[hashed] = asset{data: data, ctype: mime.TypeByExtension(ext)}
		a.urls[name] = "/static/" + hashed
		return nil
	})
	return a, err
}

// url returns the hashed URL of a static file by its plain name.
func (a *assets) url(name string) string { return a.urls[name] }

func (s *Server) static(w http.ResponseWriter, r *http.Request) {
	f, ok := s.assets.byName[r.PathValue("name")]
	if !ok {
		s.notFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	_, _ = w.Write(f.data)
}
