package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// stateVersion is the state file format; a file of another version is
// refused rather than misread.
const stateVersion = 1

// stateFile is the JSON form of state on disk.
type stateFile struct {
	Version     int            `json:"version"`
	Apps        []App          `json:"apps"`
	Tokens      []Token        `json:"tokens"`
	Presence    []presenceFile `json:"presence"`
	Subscribers []Subscribers  `json:"subscribers"`
	Messages    []Message      `json:"messages"`
	Sequences   []sequenceFile `json:"sequences"`
	Devices     []Devices      `json:"devices"`
	Pushes      []Push         `json:"pushes"`
}

type presenceFile struct {
	App      string `json:"app"`
	Channel  string `json:"channel"`
	Metadata bool   `json:"metadata"`
}

type sequenceFile struct {
	App     string `json:"app"`
	Channel string `json:"channel"`
	Last    int    `json:"last"`
}

// snapshot encodes the state and returns the generation it holds.
func (s *Server) snapshot() ([]byte, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	f := stateFile{Version: stateVersion}
	for _, a := range st.apps {
		f.Apps = append(f.Apps, *a)
	}
	sortBy(f.Apps, func(a App) string { return a.Key })
	for _, t := range st.tokens {
		f.Tokens = append(f.Tokens, *t)
	}
	sortBy(f.Tokens, func(t Token) string { return t.App + "\x00" + t.Token })
	for k, p := range st.presence {
		f.Presence = append(f.Presence, presenceFile{k.app, k.channel, p.metadata})
	}
	sortBy(f.Presence, func(p presenceFile) string { return p.App + "\x00" + p.Channel })
	for k, set := range st.subscribers {
		for _, m := range set.order {
			f.Subscribers = append(f.Subscribers, Subscribers{k.app, k.channel, m, set.counts[m]})
		}
	}
	// A stable sort keeps each channel's metadata in first-seen order.
	sort.SliceStable(f.Subscribers, func(i, j int) bool {
		a, b := f.Subscribers[i], f.Subscribers[j]
		return a.App+"\x00"+a.Channel < b.App+"\x00"+b.Channel
	})
	for _, m := range st.messages {
		f.Messages = append(f.Messages, m.Message)
	}
	for k, n := range st.sequences {
		f.Sequences = append(f.Sequences, sequenceFile{k.app, k.channel, n})
	}
	sortBy(f.Sequences, func(q sequenceFile) string { return q.App + "\x00" + q.Channel })
	for app, ad := range st.devices {
		for _, t := range ad.topics {
			f.Devices = append(f.Devices, Devices{app, t, ad.byTopic[t].tokens})
		}
	}
	sort.SliceStable(f.Devices, func(i, j int) bool { return f.Devices[i].App < f.Devices[j].App })
	for _, p := range st.pushes {
		f.Pushes = append(f.Pushes, *p)
	}
	data, err := json.Marshal(f)
	return data, s.gen, err
}

// loadState reads a state file. A missing or empty file is an empty state;
// anything unreadable or unparsable is an error (and the caller must then
// never write the file, so that nothing in it is lost).
func loadState(path string) (*state, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return newState(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("emulator: read state file: %w", err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return newState(), nil
	}
	var f stateFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("emulator: state file %s is not valid: %w", path, err)
	}
	if f.Version != stateVersion {
		return nil, fmt.Errorf("emulator: state file %s has version %d, want %d", path, f.Version, stateVersion)
	}
	st := newState()
	for _, a := range f.Apps {
		if err := validateApp(a); err != nil {
			return nil, fmt.Errorf("emulator: state file %s: %w", path, err)
		}
		st.apps[a.Key] = &a
	}
	for _, t := range f.Tokens {
		if t.Permissions == nil {
			t.Permissions = map[string]string{}
		}
		st.tokens[tokenKey{t.App, t.Token}] = &t
	}
	for _, p := range f.Presence {
		st.presence[appChannel{p.App, p.Channel}] = presenceSwitch{p.Metadata}
	}
	for _, sb := range f.Subscribers {
		st.addSubscribers(sb.App, sb.Channel, sb.Metadata, sb.Count)
	}
	for _, m := range f.Messages {
		msg := &message{Message: m, chunks: map[int]string{}}
		for _, p := range m.Parts {
			if _, dup := msg.chunks[p.Part]; !dup {
				msg.chunks[p.Part] = p.Chunk
			}
		}
		st.messages = append(st.messages, msg)
		if m.ID != "" {
			st.byID[messageKey{m.App, m.Channel, m.ID}] = msg
		}
	}
	for _, q := range f.Sequences {
		st.sequences[appChannel{q.App, q.Channel}] = q.Last
	}
	for _, d := range f.Devices {
		st.addDevices(d.App, d.Topic, d.Tokens...)
	}
	for _, p := range f.Pushes {
		st.pushes = append(st.pushes, &p)
	}
	return st, nil
}

// store saves snapshots with group commit: a request waits until a save
// that includes its change is on disk, and one save covers every change
// made while the previous save was being written, so concurrent clients
// share the cost of a write.
type store struct {
	path     string
	snapshot func() ([]byte, uint64, error)

	mu     sync.Mutex
	cond   *sync.Cond
	saved  uint64
	saving bool
}

func newStore(path string, snapshot func() ([]byte, uint64, error)) *store {
	st := &store{path: path, snapshot: snapshot}
	st.cond = sync.NewCond(&st.mu)
	return st
}

// sync returns once generation gen (or a later one) is saved.
func (st *store) sync(gen uint64) error {
	st.mu.Lock()
	defer st.mu.Unlock()
	for st.saved < gen {
		if st.saving {
			st.cond.Wait()
			continue
		}
		st.saving = true
		st.mu.Unlock()
		data, g, err := st.snapshot()
		if err == nil {
			err = writeAtomic(st.path, data)
		}
		st.mu.Lock()
		st.saving = false
		st.cond.Broadcast()
		if err != nil {
			return err
		}
		st.saved = max(st.saved, g)
	}
	return nil
}

// writeAtomic replaces path with data so that a crash leaves either the old
// or the new file: a temporary file beside it, fsync, rename, fsync of the
// directory. The file is 0600: it holds private keys and tokens.
func writeAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("save state: %w", err)
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		_ = os.Remove(name)
		return fmt.Errorf("save state: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // not every file system can sync a directory
		_ = d.Close()
	}
	return nil
}

// sortBy sorts s by a string key.
func sortBy[T any](s []T, key func(T) string) {
	sort.Slice(s, func(i, j int) bool { return key(s[i]) < key(s[j]) })
}
