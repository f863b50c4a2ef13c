package results

// The recovery, server-side and capacity-plan sections. Their issues own
// their fields; readers treat a nil section as "not measured".

// Recovery holds `rbench recover` cycles.
type Recovery struct {
	Persistence string          `json:"persistence"`
	Mode        string          `json:"mode"` // kill, graceful or cmd
	Cycles      []RecoveryCycle `json:"cycles"`
	// Lost counts acknowledged writes lost beyond the persistence policy's
	// window, over all cycles.
	Lost int64 `json:"lost"`
}

// RecoveryCycle is one restart and its verification.
type RecoveryCycle struct {
	Cycle                int     `json:"cycle"`
	PortOpenSec          float64 `json:"port_open_sec"`
	ReadySec             float64 `json:"ready_sec"` // PING answers without LOADING
	StartupSequentialSec float64 `json:"startup_sequential_sec"`
	StartupConcurrentSec float64 `json:"startup_concurrent_sec"`
	// TradingReadySec is restart to the end of the slower startup load.
	TradingReadySec float64 `json:"trading_ready_sec"`
	Acknowledged    int64   `json:"acknowledged"`
	Verified        int64   `json:"verified"`
	Lost            int64   `json:"lost"`
}

// ServerView is what Redis itself saw during a run.
type ServerView struct {
	Series []ServerSecond `json:"series,omitempty"`
}

// ServerSecond is one INFO sample.
type ServerSecond struct {
	T          int   `json:"t"`
	UsedMemory int64 `json:"used_memory"`
}

// Plan holds `rbench plan` measurements, fits and projections.
type Plan struct {
	Scales []int64 `json:"scales"`
}
