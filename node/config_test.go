package node

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigIsUpstreams(t *testing.T) {
	c := DefaultConfig()
	// nautilus_trader/cache/config.py and execution/config.py at 1.231.0.
	if c.Flavour != Python || c.TimestampsISO8601 || !c.PersistAccountEvents || c.BufferInterval != 0 ||
		c.BulkReadBatchSize != 0 || c.UseInstanceID || c.SnapshotOrders || c.SnapshotPositions || c.SnapshotPositionsInterval != 0 || c.InstrumentInfo != InfoVenue {
		t.Fatalf("DefaultConfig() = %+v, want upstream's defaults", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestConfigValidateReportsEveryField(t *testing.T) {
	c := Config{Flavour: "java", BufferInterval: -time.Millisecond, BulkReadBatchSize: -1,
		SnapshotPositionsInterval: -time.Second, InstanceID: "not-a-uuid", InstrumentInfo: "full"}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad config")
	}
	for _, want := range []string{"node \"java\"", "buffer_interval -1ms", "bulk_read_batch_size -1", "snapshot_positions_interval -1s", "instance_id \"not-a-uuid\"", "instrument_info \"full\""} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
}
