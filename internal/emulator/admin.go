package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
)

// adminPrefix is where the admin API lives. Its requests are never counted
// or faulted: tests use it to look at the emulator without disturbing what
// they measure.
const adminPrefix = "/_emulator/"

// maxAdminBody bounds admin bodies; seeds with many devices are larger than
// contract requests.
const maxAdminBody = 16 << 20

// adminRoutes maps "METHOD path" (path relative to adminPrefix, without a
// trailing '/') to its handler.
var adminRoutes = map[string]func(s *Server, r *http.Request, body []byte) (any, error){
	"GET apps":     func(s *Server, _ *http.Request, _ []byte) (any, error) { return s.Apps(), nil },
	"POST apps":    (*Server).adminPostApps,
	"GET tokens":   func(s *Server, r *http.Request, _ []byte) (any, error) { return s.Tokens(appParam(r)), nil },
	"GET presence": func(s *Server, r *http.Request, _ []byte) (any, error) { return s.Presence(appParam(r)), nil },
	"GET messages": func(s *Server, r *http.Request, _ []byte) (any, error) {
		return s.ChannelMessages(appParam(r), r.URL.Query().Get("channel")), nil
	},
	"GET pushes":          func(s *Server, r *http.Request, _ []byte) (any, error) { return s.Pushes(appParam(r)), nil },
	"POST subscribers":    (*Server).adminPostSubscribers,
	"GET devices":         func(s *Server, r *http.Request, _ []byte) (any, error) { return s.Devices(appParam(r)), nil },
	"POST devices":        (*Server).adminPostDevices,
	"GET counters":        func(s *Server, r *http.Request, _ []byte) (any, error) { return s.Counters(appParam(r)), nil },
	"POST counters/reset": func(s *Server, _ *http.Request, _ []byte) (any, error) { s.ResetCounters(); return s.Counters(""), nil },
	"GET faults":          func(s *Server, _ *http.Request, _ []byte) (any, error) { return s.Faults(), nil },
	"POST faults":         (*Server).adminPostFaults,
	"POST faults/reset":   func(s *Server, _ *http.Request, _ []byte) (any, error) { s.ClearFaults(); return s.Faults(), nil },
	"GET connections": func(s *Server, _ *http.Request, _ []byte) (any, error) {
		return map[string]int{"connections": s.Connections()}, nil
	},
	"POST reset": (*Server).adminReset,
}

// adminIndex lists the admin endpoints, for people exploring with curl.
func adminIndex() []string {
	out := make([]string, 0, len(adminRoutes))
	for k := range adminRoutes {
		m, p, _ := strings.Cut(k, " ")
		out = append(out, m+" "+adminPrefix+p)
	}
	sort.Strings(out)
	return out
}

func appParam(r *http.Request) string { return r.URL.Query().Get("app") }

// adminError is an admin answer other than 200: {"error": "..."}.
type adminError struct {
	status int
	text   string
}

func (e *adminError) Error() string { return e.text }

func badAdmin(format string, a ...any) error {
	return &adminError{http.StatusBadRequest, fmt.Sprintf(format, a...)}
}

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request, sub string) {
	sub = strings.TrimSuffix(sub, "/")
	if sub == "" && r.Method == http.MethodGet {
		writeAdmin(w, adminIndex(), nil)
		return
	}
	h, ok := adminRoutes[r.Method+" "+sub]
	if !ok {
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			if _, ok := adminRoutes[m+" "+sub]; ok {
				writeAdmin(w, nil, &adminError{http.StatusMethodNotAllowed, "Method " + cut(r.Method, 20) + " is not allowed on this admin path."})
				return
			}
		}
		writeAdmin(w, nil, &adminError{http.StatusNotFound, "No such admin endpoint: " + cut(sub, 100) + "."})
		return
	}
	var body []byte
	if r.Method == http.MethodPost {
		b, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody+1))
		switch {
		case err != nil:
			writeAdmin(w, nil, badAdmin("The request body could not be read."))
			return
		case len(b) > maxAdminBody:
			writeAdmin(w, nil, &adminError{http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", maxAdminBody)})
			return
		}
		body = b
	}
	v, err := h(s, r, body)
	writeAdmin(w, v, err)
}

func writeAdmin(w http.ResponseWriter, v any, err error) {
	if err != nil {
		ae, ok := err.(*adminError)
		if !ok {
			ae = &adminError{http.StatusInternalServerError, sentence(err.Error())}
		}
		writeReply(w, jsonReply(ae.status, map[string]string{"error": ae.text}))
		return
	}
	writeReply(w, jsonReply(http.StatusOK, v))
}

// decodeList decodes a JSON object or an array of them into a slice,
// strictly: unknown fields are errors.
func decodeList[T any](body []byte) ([]T, error) {
	b := bytes.TrimSpace(body)
	var out []T
	var err error
	if len(b) > 0 && b[0] == '[' {
		err = strictJSON(b, &out)
	} else {
		var one T
		err = strictJSON(b, &one)
		out = []T{one}
	}
	if err != nil {
		return nil, badAdmin("The request body is not valid: %s.", err.Error())
	}
	if len(out) == 0 {
		return nil, badAdmin("The request body holds nothing.")
	}
	return out, nil
}

// adminText turns a validation error into an admin sentence.
func adminText(err error) string {
	return sentence(strings.TrimPrefix(err.Error(), "emulator: "))
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("data after the JSON value")
	}
	return nil
}

// adminPostApps creates or replaces applications: an App or an array of
// them. It answers every application.
func (s *Server) adminPostApps(_ *http.Request, body []byte) (any, error) {
	apps, err := decodeList[App](body)
	if err != nil {
		return nil, err
	}
	for _, a := range apps {
		if err := validateApp(a); err != nil {
			return nil, badAdmin("%s", adminText(err))
		}
	}
	if err := s.putApps(apps); err != nil {
		return nil, err
	}
	return s.Apps(), nil
}

func (s *Server) knownApp(app string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.st.apps[app]
	return ok
}

// adminPostSubscribers adds simulated subscribers (a negative count removes
// them): a Subscribers or an array. It answers the presence of the app.
func (s *Server) adminPostSubscribers(_ *http.Request, body []byte) (any, error) {
	list, err := decodeList[Subscribers](body)
	if err != nil {
		return nil, err
	}
	for _, sb := range list {
		if err := validateSubscribers(sb, s.knownApp); err != nil {
			return nil, badAdmin("%s", adminText(err))
		}
	}
	for _, sb := range list {
		if err := s.addSubscribers(sb.App, sb.Channel, sb.Metadata, sb.Count); err != nil {
			return nil, err
		}
	}
	return s.Presence(list[0].App), nil
}

// adminPostDevices subscribes devices: a Devices or an array. It answers
// the devices of the app.
func (s *Server) adminPostDevices(_ *http.Request, body []byte) (any, error) {
	list, err := decodeList[Devices](body)
	if err != nil {
		return nil, err
	}
	for _, d := range list {
		if err := validateDevices(d, s.knownApp); err != nil {
			return nil, badAdmin("%s", adminText(err))
		}
	}
	for _, d := range list {
		if err := s.addDevices(d.App, d.Topic, d.Tokens...); err != nil {
			return nil, err
		}
	}
	return s.Devices(list[0].App), nil
}

// adminPostFaults arms faults: a Fault or an array. It answers the armed
// faults.
func (s *Server) adminPostFaults(_ *http.Request, body []byte) (any, error) {
	list, err := decodeList[Fault](body)
	if err != nil {
		return nil, err
	}
	for _, f := range list {
		if err := f.Validate(); err != nil {
			return nil, badAdmin("Invalid fault: %s.", err.Error())
		}
	}
	for _, f := range list {
		s.InjectFault(f)
	}
	return s.Faults(), nil
}

// adminReset resets everything but the applications; the body
// {"apps": true} drops those too.
func (s *Server) adminReset(_ *http.Request, body []byte) (any, error) {
	var opt struct {
		Apps bool `json:"apps"`
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := strictJSON(body, &opt); err != nil {
			return nil, badAdmin("The request body is not valid: %s.", err.Error())
		}
	}
	if err := s.Reset(opt.Apps); err != nil {
		return nil, err
	}
	return map[string]bool{"reset": true}, nil
}
