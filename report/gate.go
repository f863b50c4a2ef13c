package report

// The gate section: rbench gate's verdicts drawn at the top of the report
// (rbench report --thresholds FILE, or -t EXPR), so the page a CI job
// attaches opens with the checks that passed or failed the build.

// GateCheck is one check of rbench gate, as the report shows it. The CLI
// fills it from package gate's results; the report only draws it.
type GateCheck struct {
	// Name is the check as written ("write.p99<1ms", "write.p99 vs baseline").
	Name string
	// Threshold is the condition ("< 1ms"), Actual the measured value with
	// any note (a baseline check's interval).
	Threshold, Actual string
	// Status is PASS, FAIL or SKIP.
	Status string
}

// Gate is the gate's outcome for the report: its checks and summary line.
type Gate struct {
	Checks  []GateCheck
	Summary string
}

func (b *builder) gate() section {
	g := b.opts.Gate
	s := section{ID: "gate", Title: "Gate"}
	if g == nil || len(g.Checks) == 0 {
		return s
	}
	failed, skipped := 0, 0
	t := table{Head: []string{"check", "threshold", "actual", "result"}}
	for _, c := range g.Checks {
		class := "pass"
		switch c.Status {
		case "FAIL":
			class = "fail"
			failed++
		case "SKIP":
			class = "muted"
			skipped++
		}
		t.Rows = append(t.Rows, []cell{{Text: c.Name}, {Text: c.Threshold}, {Text: c.Actual}, {Text: c.Status, Class: class}})
	}
	status, class := "PASS", "pass"
	if failed > 0 {
		status, class = "FAIL", "fail"
	}
	s.Cards = append(s.Cards, card{Status: status, Class: class, Title: "rbench gate",
		Figure: fmtCount(int64(len(g.Checks)-failed-skipped)) + " of " + fmtCount(int64(len(g.Checks))) + " passed", Reason: g.Summary})
	s.Blocks = append(s.Blocks, block{Title: "Thresholds", Tables: []table{t}})
	return s
}
