package browsertest

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/rbench/rbench/internal/lockedbuf"
)

// browser drives a headless Chromium over the DevTools protocol on
// --remote-debugging-pipe: JSON messages separated by NUL bytes on file
// descriptors 3 (to the browser) and 4 (from it). No WebSocket client and
// no dependency beyond the standard library.
type browser struct {
	cmd    *exec.Cmd
	toB    *os.File
	fromB  *os.File
	stderr *lockedbuf.Buffer

	mu      sync.Mutex
	nextID  int
	pending map[int]chan cdpMessage
	events  []cdpMessage
	readErr error
	done    chan struct{}
}

type cdpMessage struct {
	ID        int             `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// chromiumFlags keep the browser offline and quiet: a proxy that refuses
// every connection (loopback included), no background services, a fresh
// profile.
func chromiumFlags(profile string) []string {
	return []string{
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-background-networking",
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-component-update",
		"--disable-sync",
		"--disable-quic",
		"--disable-extensions",
		"--disable-dev-shm-usage",
		"--mute-audio",
		"--hide-scrollbars",
		"--proxy-server=127.0.0.1:9",
		"--proxy-bypass-list=<-loopback>",
		"--user-data-dir=" + profile,
		"--remote-debugging-pipe",
		"about:blank",
	}
}

// startBrowser launches Chromium; the caller closes it.
func startBrowser(bin, profile string) (*browser, error) {
	// fd 3: the browser reads commands; fd 4: it writes replies and events.
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	evR, evW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	b := &browser{toB: cmdW, fromB: evR, stderr: &lockedbuf.Buffer{}, pending: map[int]chan cdpMessage{}, done: make(chan struct{})}
	b.cmd = exec.Command(bin, chromiumFlags(profile)...)
	b.cmd.ExtraFiles = []*os.File{cmdR, evW}
	b.cmd.Stderr = b.stderr
	b.cmd.Stdout = b.stderr
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	// D-Bus is absent in CI; pointing Chromium at nothing avoids its retries.
	b.cmd.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS=disabled:", "DBUS_SYSTEM_BUS_ADDRESS=disabled:")
	if err := b.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	cmdR.Close()
	evW.Close()
	go b.readLoop()
	return b, nil
}

func (b *browser) readLoop() {
	defer close(b.done)
	r := bufio.NewReaderSize(b.fromB, 1<<20)
	for {
		raw, err := r.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			b.readErr = err
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var m cdpMessage
		if err := json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.pending[m.ID]; ok {
				ch <- m
				delete(b.pending, m.ID)
			}
		} else {
			b.events = append(b.events, m)
		}
		b.mu.Unlock()
	}
}

// call sends one command (to the browser when session is "", else to that
// page session) and decodes its result into out.
func (b *browser) call(ctx context.Context, session, method string, params, out any) error {
	if params == nil {
		params = struct{}{}
	}
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	ch := make(chan cdpMessage, 1)
	b.mu.Lock()
	if b.readErr != nil {
		b.mu.Unlock()
		return fmt.Errorf("%s: browser gone: %w", method, b.readErr)
	}
	b.nextID++
	id := b.nextID
	b.pending[id] = ch
	b.mu.Unlock()
	msg, _ := json.Marshal(cdpMessage{ID: id, Method: method, Params: p, SessionID: session})
	if _, err := b.toB.Write(append(msg, 0)); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case <-ctx.Done():
		return fmt.Errorf("%s: %w", method, ctx.Err())
	case m, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s: browser closed the pipe", method)
		}
		if m.Error != nil {
			return fmt.Errorf("%s: %s (%d)", method, m.Error.Message, m.Error.Code)
		}
		if out != nil {
			return json.Unmarshal(m.Result, out)
		}
		return nil
	}
}

// eventsNamed returns the events received so far with that method.
func (b *browser) eventsNamed(method string) []cdpMessage {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []cdpMessage
	for _, e := range b.events {
		if e.Method == method {
			out = append(out, e)
		}
	}
	return out
}

func (b *browser) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = b.call(ctx, "", "Browser.close", nil, nil)
	exited := make(chan struct{})
	go func() { _ = b.cmd.Wait(); close(exited) }()
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		// Our own process group: the browser and the renderers it forked.
		_ = syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
		<-exited
	}
	b.toB.Close()
	b.fromB.Close()
}

// page is one tab attached in flat session mode.
type page struct {
	b       *browser
	session string
}

func (b *browser) newPage(ctx context.Context, width, height int) (*page, error) {
	var created struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &created); err != nil {
		return nil, err
	}
	var attached struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": created.TargetID, "flatten": true}, &attached); err != nil {
		return nil, err
	}
	p := &page{b: b, session: attached.SessionID}
	for _, m := range []string{"Page.enable", "Runtime.enable", "Log.enable", "Network.enable"} {
		if err := p.call(ctx, m, nil, nil); err != nil {
			return nil, err
		}
	}
	if err := p.call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *page) call(ctx context.Context, method string, params, out any) error {
	return p.b.call(ctx, p.session, method, params, out)
}

// navigate opens url and waits for its load event.
func (p *page) navigate(ctx context.Context, url string) error {
	before := len(p.events("Page.loadEventFired"))
	var nav struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.call(ctx, "Page.navigate", map[string]any{"url": url}, &nav); err != nil {
		return err
	}
	if nav.ErrorText != "" {
		return fmt.Errorf("navigate %s: %s", url, nav.ErrorText)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for len(p.events("Page.loadEventFired")) <= before {
		select {
		case <-ctx.Done():
			return fmt.Errorf("navigate %s: no load event: %w", url, ctx.Err())
		case <-tick.C:
		}
	}
	return nil
}

// events returns this page's events with that method.
func (p *page) events(method string) []cdpMessage {
	var out []cdpMessage
	for _, e := range p.b.eventsNamed(method) {
		if e.SessionID == p.session {
			out = append(out, e)
		}
	}
	return out
}

// eval runs an expression (awaiting a returned promise) and decodes its
// JSON-serialisable value into out.
func (p *page) eval(ctx context.Context, expr string, out any) error {
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := p.call(ctx, "Runtime.evaluate", map[string]any{"expression": expr, "awaitPromise": true, "returnByValue": true}, &res); err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return fmt.Errorf("eval: %s %s", res.ExceptionDetails.Text, res.ExceptionDetails.Exception.Description)
	}
	return json.Unmarshal(res.Result.Value, out)
}

// screenshot captures a clip of the page as PNG: from y, height px tall
// (0: to the end of the page), scaled by scale.
func (p *page) screenshot(ctx context.Context, width, y, height int, scale float64) ([]byte, error) {
	if height == 0 {
		var m struct {
			CSSContentSize struct {
				Height float64 `json:"height"`
			} `json:"cssContentSize"`
		}
		if err := p.call(ctx, "Page.getLayoutMetrics", nil, &m); err != nil {
			return nil, err
		}
		height = int(m.CSSContentSize.Height) - y
	}
	var shot struct {
		Data []byte `json:"data"` // base64 in JSON, decoded by encoding/json
	}
	err := p.call(ctx, "Page.captureScreenshot", map[string]any{
		"format":                "png",
		"captureBeyondViewport": true,
		"clip":                  map[string]any{"x": 0, "y": y, "width": width, "height": height, "scale": scale},
	}, &shot)
	if err != nil {
		return nil, err
	}
	if len(shot.Data) == 0 {
		return nil, errors.New("empty screenshot")
	}
	return shot.Data, nil
}
