package extract

import (
	"strings"

	"golang.org/x/net/html"
)

// blockElements end a line of text: paragraphs, headings, list items,
// table rows, line breaks and the like.
var blockElements = map[string]bool{
	"p": true, "div": true, "br": true, "li": true, "ul": true, "ol": true, "h1": true, "h2": true,
	"h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "tr": true,
	"table": true, "section": true, "article": true, "header": true, "footer": true, "figure": true,
	"figcaption": true, "dd": true, "dt": true, "dl": true, "hr": true, "main": true, "aside": true,
	"head": true, "quote": true, "list": true, "item": true, "row": true, "cell": true, "lb": true,
}

// nodeText renders an extracted content tree as text with a line break
// at every block element, so that paragraphs survive (the libraries' own
// plain text runs them together, which blurs sentence boundaries for the
// classifier's explanations). cleanText then joins each line's spaces.
func nodeText(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			b.WriteString(n.Data)
			return
		case html.ElementNode:
			switch n.Data {
			case "script", "style", "noscript", "template":
				return
			}
		}
		block := n.Type == html.ElementNode && blockElements[n.Data]
		if block {
			b.WriteByte('\n')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
		if block {
			b.WriteByte('\n')
		}
	}
	walk(n)
	return b.String()
}
