package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/ortc-terraform/terraform-provider-realtime/internal/ortc"
)

// PagingTopic is the push topic whose devices the data source reads.
const PagingTopic = "bench-topic"

// DeviceTokens returns n distinct device tokens shaped like APNs ones (64
// hex digits), the same every time.
func DeviceTokens(n int) []string {
	out := make([]string, n)
	for i := range out {
		sum := sha256.Sum256(fmt.Appendf(nil, "device %d", i))
		out[i] = hex.EncodeToString(sum[:])
	}
	return out
}

// TokensDigest is what the data source's tokens are checked against: the
// SHA-256 of the sorted tokens joined by ",", as the HCL
// sha256(join(",", tokens)) computes it (the data source sorts them).
func TokensDigest(tokens []string) string {
	sorted := slices.Sorted(slices.Values(tokens))
	sum := sha256.Sum256([]byte(strings.Join(sorted, ",")))
	return hex.EncodeToString(sum[:])
}

// PagingResult is item 5: walking every page of a topic's devices.
type PagingResult struct {
	Devices  int // seeded
	Seen     int // yielded by the iterator
	Requests int // push_topicdevices requests the walk made
	// BaselineHeap is the live heap (after a forced GC) before the walk;
	// PeakHeap the most it reached while walking, sampled the same way every
	// SampleEvery devices. Flat (O(page)) means PeakHeap − BaselineHeap does
	// not grow with Devices.
	BaselineHeap, PeakHeap uint64
	SampleEvery            int
	Samples                int
}

// Growth is how far the live heap rose above the baseline during the walk.
func (r PagingResult) Growth() int64 { return int64(r.PeakHeap) - int64(r.BaselineHeap) }

// liveHeap is the heap still reachable: a forced GC first, so that garbage
// (the emulator's and the decoder's) does not count.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// MeasurePaging walks every page of a topic's devices through the client's
// iterator, consuming each token without keeping it, and samples the live
// heap as it goes. The emulator must hold the devices already.
func MeasurePaging(ctx context.Context, em *Emulator, topic string, devices, sampleEvery int) (PagingResult, error) {
	res := PagingResult{Devices: devices, SampleEvery: sampleEvery}
	c, err := ortc.New(ortc.Options{ApplicationKey: em.AppKey, PrivateKey: em.PrivateKey, ServerURL: em.URL, PushURL: em.PushURL()})
	if err != nil {
		return res, err
	}
	defer c.CloseIdleConnections()
	em.ResetCounters()
	res.BaselineHeap = liveHeap()
	res.PeakHeap = res.BaselineHeap
	var bytes int // consume each token so the loop is not optimised away
	for tok, err := range c.TopicDevices(ctx, topic) {
		if err != nil {
			return res, err
		}
		bytes += len(tok)
		res.Seen++
		if res.Seen%sampleEvery == 0 {
			res.PeakHeap = max(res.PeakHeap, liveHeap())
			res.Samples++
		}
	}
	res.Requests = em.Counters("")["push_topicdevices"]
	if bytes == 0 && devices > 0 {
		return res, fmt.Errorf("the walk of %s yielded no bytes", topic)
	}
	return res, nil
}

// RetainedByCollecting is the live heap AllTopicDevices keeps while its
// result is held: what a walk that is not O(page) would cost.
func RetainedByCollecting(ctx context.Context, em *Emulator, topic string) (uint64, int, error) {
	c, err := ortc.New(ortc.Options{ApplicationKey: em.AppKey, PrivateKey: em.PrivateKey, ServerURL: em.URL, PushURL: em.PushURL()})
	if err != nil {
		return 0, 0, err
	}
	defer c.CloseIdleConnections()
	before := liveHeap()
	all, err := c.AllTopicDevices(ctx, topic)
	if err != nil {
		return 0, 0, err
	}
	after := liveHeap()
	n := len(all)
	runtime.KeepAlive(all)
	return after - min(after, before), n, nil
}

// PagingConfig reads PagingTopic's devices through the data source and
// outputs their count and digest (TokensDigest).
func PagingConfig() string {
	return fmt.Sprintf(`terraform {
  required_providers {
    realtime = { source = %q }
  }
}

data "realtime_push_topic_devices" "bench" {
  topic = %q
}

output "device_count" {
  value = data.realtime_push_topic_devices.bench.device_count
}

output "digest" {
  value = nonsensitive(sha256(join(",", data.realtime_push_topic_devices.bench.tokens)))
}
`, ProviderSource, PagingTopic)
}
