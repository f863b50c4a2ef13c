package results

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// TestMergeEqualsSingleRun splits one set of recorded latencies between two
// load generators and checks the merge equals the run that recorded them all.
func TestMergeEqualsSingleRun(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	allSvc, allResp := NewHistogram(), NewHistogram()
	parts := [2]struct{ svc, resp *secPair }{}
	for i := range parts {
		parts[i].svc, parts[i].resp = newSecPair(), newSecPair()
	}
	allSec := newSecPair()
	for i := 0; i < 20000; i++ {
		svc := 50 + rng.Int64N(2000)
		resp := svc + rng.Int64N(100_000)
		sec := i % 3
		allSvc.RecordValue(svc)
		allResp.RecordValue(resp)
		allSec.record(sec, resp)
		p := &parts[i%2]
		p.svc.total.RecordValue(svc)
		p.resp.total.RecordValue(resp)
		p.resp.record(sec, resp)
	}
	measured := 10 * time.Second
	single, err := OpFromHistograms("add_order", ClassWrite, "json", allSvc, allResp, measured)
	if err != nil {
		t.Fatal(err)
	}
	single.Series = allSec.series(t)

	// A stalled second: no replies, no histogram, in every input.
	single.Series = append(single.Series, Second{T: 3})
	stalled, _ := EncodeHDR(NewHistogram())
	single.Series[3].HDR = stalled

	var runs []*Run
	for i, p := range parts {
		op, err := OpFromHistograms("add_order", ClassWrite, "json", p.svc.total, p.resp.total, measured)
		if err != nil {
			t.Fatal(err)
		}
		op.Series = append(p.resp.series(t), Second{T: 3})
		op.Errors, op.BytesSent = int64(i+1), 1000
		start := time.Date(2026, 1, 1, 0, 0, i, 0, time.UTC)
		r := NewRun(Meta{RunID: []string{"gen-a", "gen-b"}[i], Start: start, End: start.Add(10 * time.Second), Workload: Workload{Name: "order-flow", Connections: 10, Rate: 500}})
		r.Ops = []Op{op}
		r.Errors.Timeout = int64(i + 1)
		r.Pacing = []Pacing{{Encoding: "json", Mode: "open", TargetRate: 500, AchievedRate: 490, Late: int64(i), MaxLateUs: float64(100 * (i + 1))}}
		runs = append(runs, r)
	}
	m, err := Merge(runs...)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Ops) != 1 {
		t.Fatalf("merged %d ops, want 1", len(m.Ops))
	}
	got := m.Ops[0]
	for _, c := range []struct {
		name       string
		have, want string
	}{{"service", got.ServiceHDR, single.ServiceHDR}, {"response", got.ResponseHDR, single.ResponseHDR}} {
		h1, err := DecodeHDR(c.have)
		if err != nil {
			t.Fatal(err)
		}
		h2, _ := DecodeHDR(c.want)
		if !h1.Equals(h2) {
			t.Errorf("%s histogram differs from the single run's", c.name)
		}
	}
	if got.Service != single.Service || got.Response != single.Response {
		t.Errorf("summaries differ:\nhave %+v %+v\nwant %+v %+v", got.Service, got.Response, single.Service, single.Response)
	}
	if got.Count != single.Count || got.Rate != single.Rate || got.Errors != 3 || got.BytesSent != 2000 {
		t.Errorf("count %d rate %v errors %d bytes %d; want %d %v 3 2000", got.Count, got.Rate, got.Errors, got.BytesSent, single.Count, single.Rate)
	}
	if len(got.Series) != len(single.Series) {
		t.Fatalf("series has %d seconds, want %d", len(got.Series), len(single.Series))
	}
	for i := range got.Series {
		g, w := got.Series[i], single.Series[i]
		if g.T != w.T || g.Count != w.Count || g.P50 != w.P50 || g.P99 != w.P99 || g.Max != w.Max || g.HDR != w.HDR {
			t.Errorf("second %d: have %+v, want %+v", i, g, w)
		}
	}
	if m.Errors.Timeout != 3 || m.Meta.Workload.Connections != 20 || m.Meta.Workload.Rate != 1000 {
		t.Errorf("errors %+v connections %d rate %v", m.Errors, m.Meta.Workload.Connections, m.Meta.Workload.Rate)
	}
	if p := m.Pacing; len(p) != 1 || p[0].TargetRate != 1000 || p[0].AchievedRate != 980 || p[0].Late != 1 || p[0].MaxLateUs != 200 {
		t.Errorf("pacing %+v", p)
	}
	if !m.Meta.Start.Equal(runs[0].Meta.Start) || !m.Meta.End.Equal(runs[1].Meta.End) {
		t.Errorf("start %v end %v", m.Meta.Start, m.Meta.End)
	}
	if s := m.Meta.Sources; len(s) != 2 || s[0] != "gen-a" || s[1] != "gen-b" {
		t.Errorf("sources %v", s)
	}
	// Inputs are left alone.
	if runs[0].Ops[0].Count+runs[1].Ops[0].Count != got.Count {
		t.Error("inputs modified")
	}
}

func TestMergeRejects(t *testing.T) {
	a := NewRun(Meta{RunID: "a"})
	a.Ops = []Op{{Name: "set", Class: ClassWrite, Encoding: "raw", Count: 5}}
	if _, err := Merge(a); !errors.Is(err, ErrMerge) {
		t.Errorf("op without histogram: err = %v", err)
	}
	if _, err := Merge(); !errors.Is(err, ErrMerge) {
		t.Errorf("no runs: err = %v", err)
	}
	h := NewHistogram()
	h.RecordValue(10)
	b, _ := OpFromHistograms("set", ClassWrite, "raw", h, nil, time.Second)
	c := b
	c.Class = ClassRead
	r1, r2 := NewRun(Meta{}), NewRun(Meta{})
	r1.Ops, r2.Ops = []Op{b}, []Op{c}
	if _, err := Merge(r1, r2); !errors.Is(err, ErrMerge) {
		t.Errorf("class clash: err = %v", err)
	}
}

// secPair accumulates a total histogram and per-second ones.
type secPair struct {
	total *hdrhistogram.Histogram
	secs  map[int]*hdrhistogram.Histogram
}

func newSecPair() *secPair {
	return &secPair{total: NewHistogram(), secs: map[int]*hdrhistogram.Histogram{}}
}

func (p *secPair) record(sec int, v int64) {
	h := p.secs[sec]
	if h == nil {
		h = NewHistogram()
		p.secs[sec] = h
	}
	h.RecordValue(v)
}

func (p *secPair) series(t *testing.T) []Second {
	var out []Second
	for sec := 0; sec < len(p.secs); sec++ {
		h := p.secs[sec]
		enc, err := EncodeHDR(h)
		if err != nil {
			t.Fatal(err)
		}
		s := Summarize(h)
		out = append(out, Second{T: sec, Count: h.TotalCount(), P50: s.P50, P99: s.P99, Max: s.Max, HDR: enc})
	}
	return out
}

func TestMergeSections(t *testing.T) {
	a, b := NewRun(Meta{RunID: "a"}), NewRun(Meta{RunID: "b"})
	a.Recovery = &Recovery{Lost: 1, Corrupt: 1, Verdict: "pass", Cycles: []RecoveryCycle{{Cycle: 1}}, Notes: []string{"n"}}
	b.Recovery = &Recovery{Lost: 2, WrongType: 1, Verdict: "fail", Cycles: []RecoveryCycle{{Cycle: 1}}, Reasons: []string{"lost"}}
	a.Payloads = []PayloadSize{{Type: "order", Encoding: "json", Bytes: 10}}
	b.Payloads = []PayloadSize{{Type: "order", Encoding: "json", Bytes: 10}}
	m, err := Merge(a, b)
	if err != nil {
		t.Fatal(err)
	}
	r := m.Recovery
	if r.Lost != 3 || r.Corrupt != 1 || r.WrongType != 1 || r.Verdict != "fail" || len(r.Cycles) != 2 || len(r.Reasons) != 1 || len(r.Notes) != 1 {
		t.Fatalf("recovery %+v", r)
	}
	if len(m.Payloads) != 1 {
		t.Fatalf("payloads %+v", m.Payloads)
	}
	if a.Recovery.Lost != 1 || len(a.Recovery.Cycles) != 1 {
		t.Fatal("input modified")
	}
}
