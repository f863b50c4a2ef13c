package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed report.html.tmpl
var pageTemplateText string

//go:embed report.css
var pageCSS string

//go:embed report.js
var pageJS string

var pageTemplate = template.Must(template.New("report").Parse(pageTemplateText))

// pageData is what the template executes on. Lib, Script and ChartsJSON are
// trusted: the first two are embedded files, the last is encoding/json
// output, which escapes every character that could end a <script> element.
type pageData struct {
	*page
	CSS        template.CSS
	Lib        template.JS
	Script     template.JS
	ChartsJSON template.JS
}

func writePage(w io.Writer, p *page, lib []byte) error {
	cj, err := chartsJSON(p.Charts)
	if err != nil {
		return err
	}
	if err := checkInlineScript("chart data", []byte(cj)); err != nil {
		return err
	}
	d := pageData{
		page:       p,
		CSS:        template.CSS(pageCSS),
		Lib:        template.JS(lib),
		Script:     template.JS(pageJS),
		ChartsJSON: template.JS(cj),
	}
	if err := pageTemplate.Execute(w, d); err != nil {
		return fmt.Errorf("report: render: %w", err)
	}
	return nil
}
