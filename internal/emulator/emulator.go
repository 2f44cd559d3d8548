package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. The zero value is an in-memory emulator.
type Options struct {
	// PageSize is the number of items per page of the push API's
	// listtopics and topicdevices; DefaultPageSize when 0. Tests set it
	// small to cross page borders.
	PageSize int
	// StatePath, when set, is a JSON file the state is loaded from at New
	// and saved to, atomically, before answering any request that changed
	// it. "" keeps the state in memory only. Counters, connections and
	// faults are per process and never saved.
	StatePath string
	// Now is the clock for token expiry; time.Now when nil.
	Now func() time.Time
	// PublicURL is the messaging server URL the balancer hands out, e.g.
	// "http://127.0.0.1:8080". When "", it is "http://" plus the request's
	// Host. An https URL without a port gets ":443" spelled out, as the
	// contract wants on the ssl path and as SDKs need to pick TLS.
	PublicURL string
}

// Server is the emulator: an http.Handler serving the contract routes and
// the admin API. It is safe for concurrent use.
type Server struct {
	now      func() time.Time
	pageSize int
	public   string
	store    *store // nil when in memory

	mu     sync.Mutex
	st     *state
	gen    uint64 // bumped by every change that must be persisted
	counts map[string]int
	byApp  map[string]map[string]int
	faults []*activeFault
	conns  atomic.Int64
}

// routeNames are the route keys of the contract: the counter names, also
// used by the admin API and by Fault.Route.
var routeNames = []string{
	"balancer", "authenticate", "send", "publish", "sendbatch",
	"presence_enable", "presence_disable", "presence_get",
	"push_listtopics", "push_topicdevices", "push_istopicsubscribed",
	"push_publish", "push_publishbatch",
}

// Routes returns the route keys of the contract: the counter names, also
// used by the admin API and by Fault.Route.
func Routes() []string { return slices.Clone(routeNames) }

func isRoute(name string) bool { return slices.Contains(routeNames, name) }

// New returns an emulator. With Options.StatePath set it loads that file
// (a missing or empty file is an empty state); a file it cannot read or
// parse is an error, and the file is left untouched.
func New(o Options) (*Server, error) {
	s := &Server{
		now:      o.Now,
		pageSize: o.PageSize,
		st:       newState(),
		counts:   map[string]int{},
		byApp:    map[string]map[string]int{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	switch {
	case o.PageSize < 0:
		return nil, fmt.Errorf("emulator: page size %d is negative", o.PageSize)
	case o.PageSize == 0:
		s.pageSize = DefaultPageSize
	}
	if o.PublicURL != "" {
		u, err := normalizePublicURL(o.PublicURL)
		if err != nil {
			return nil, err
		}
		s.public = u
	}
	if o.StatePath != "" {
		st, err := loadState(o.StatePath)
		if err != nil {
			return nil, err
		}
		s.st = st
		s.store = newStore(o.StatePath, s.snapshot)
	}
	return s, nil
}

func normalizePublicURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		strings.Trim(u.Path, "/") != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", fmt.Errorf("emulator: public URL %q is not an http(s)://host[:port] URL", raw)
	}
	host := u.Host
	if u.Scheme == "https" && u.Port() == "" {
		host = strings.TrimSuffix(host, ":") + ":443"
	}
	return u.Scheme + "://" + host, nil
}

// AddApp creates or replaces an application.
func (s *Server) AddApp(key, privateKey string, enforceAuth bool) error {
	return s.putApps([]App{{Key: key, PrivateKey: privateKey, EnforceAuth: enforceAuth}})
}

// PutApp creates or replaces an application, Disabled flag included.
func (s *Server) PutApp(a App) error { return s.putApps([]App{a}) }

func (s *Server) putApps(apps []App) error {
	for _, a := range apps {
		if err := validateApp(a); err != nil {
			return err
		}
	}
	s.mu.Lock()
	for _, a := range apps {
		s.st.apps[a.Key] = &a
	}
	gen := s.changed()
	s.mu.Unlock()
	return s.persist(gen)
}

func validateApp(a App) error {
	switch {
	case !validName(a.Key):
		return fmt.Errorf("emulator: application key %q must match ^[A-Za-z0-9_\\-:/.]+$", cut(a.Key, 100))
	case a.PrivateKey == "":
		return fmt.Errorf("emulator: application %s needs a private key", a.Key)
	}
	return nil
}

// Apps returns the applications, sorted by key.
func (s *Server) Apps() []App {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]App, 0, len(s.st.apps))
	for _, a := range s.st.apps {
		out = append(out, *a)
	}
	sortBy(out, func(a App) string { return a.Key })
	return out
}

// Counters returns the number of requests per route key for one app
// (counting requests that named it while it existed), or for all requests
// when app is "". Routes never requested are absent. Admin requests are
// never counted; faulted requests are.
func (s *Server) Counters(app string) map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	src := s.counts
	if app != "" {
		src = s.byApp[app]
	}
	out := make(map[string]int, len(src))
	for k, v := range src {
		out[k] = v
	}
	return out
}

// ResetCounters zeroes every request counter and the connection count.
func (s *Server) ResetCounters() {
	s.mu.Lock()
	s.counts = map[string]int{}
	s.byApp = map[string]map[string]int{}
	s.mu.Unlock()
	s.conns.Store(0)
}

func (s *Server) count(route, app string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[route]++
	if _, ok := s.st.apps[app]; ok {
		m := s.byApp[app]
		if m == nil {
			m = map[string]int{}
			s.byApp[app] = m
		}
		m[route]++
	}
}

// ConnState counts new connections; set it as the http.Server's ConnState
// (httptest: ts.Config.ConnState before ts.Start).
func (s *Server) ConnState(_ net.Conn, cs http.ConnState) {
	if cs == http.StateNew {
		s.conns.Add(1)
	}
}

// Connections returns the number of TCP connections seen through ConnState
// since New or the last ResetCounters.
func (s *Server) Connections() int { return int(s.conns.Load()) }

// Reset drops everything the emulator accepted (tokens, presence,
// subscribers, messages, sequences, devices, pushes), the counters and the
// pending faults. Applications stay unless dropApps.
func (s *Server) Reset(dropApps bool) error {
	s.mu.Lock()
	if dropApps {
		s.st = newState()
	} else {
		s.st.clearData()
	}
	s.faults = nil
	gen := s.changed()
	s.mu.Unlock()
	s.ResetCounters()
	return s.persist(gen)
}

// changed marks the state as changed and returns the generation that must
// be saved before the change is acknowledged; 0 when nothing is saved.
// Callers hold s.mu.
func (s *Server) changed() uint64 {
	if s.store == nil {
		return 0
	}
	s.gen++
	return s.gen
}

func (s *Server) persist(gen uint64) error {
	if gen == 0 || s.store == nil {
		return nil
	}
	return s.store.sync(gen)
}

// A route is one contract endpoint.
type route struct {
	name   string
	method string
	push   bool // errors are JSON {"exception","message"}
	body   bool // reads a request body
	// match reports whether the escaped path is this route's and returns
	// its unescaped path arguments; ok with nil args means a path argument
	// could not be unescaped.
	match  func(path string) (args []string, ok bool)
	handle func(s *Server, q *request) *reply
}

var routes = []*route{
	{name: "balancer", method: http.MethodGet, match: exact("/server/2.1", "plain"), handle: (*Server).balancer},
	{name: "balancer", method: http.MethodGet, match: exact("/server/ssl/2.1", "ssl"), handle: (*Server).balancer},
	{name: "authenticate", method: http.MethodPost, body: true, match: exact("/authenticate"), handle: (*Server).authenticate},
	{name: "send", method: http.MethodPost, body: true, match: exact("/send"), handle: (*Server).send},
	{name: "publish", method: http.MethodPost, body: true, match: exact("/publish"), handle: (*Server).publish},
	{name: "sendbatch", method: http.MethodPost, body: true, match: exact("/sendbatch"), handle: (*Server).sendbatch},
	{name: "presence_enable", method: http.MethodPost, body: true, match: pathArgs("/presence/enable", 1), handle: (*Server).presenceEnable},
	{name: "presence_disable", method: http.MethodPost, body: true, match: pathArgs("/presence/disable", 1), handle: (*Server).presenceDisable},
	{name: "presence_get", method: http.MethodGet, match: pathArgs("/presence", 2), handle: (*Server).presenceGet},
	{name: "push_listtopics", method: http.MethodPost, push: true, body: true, match: exact("/mp/listtopics"), handle: (*Server).pushListTopics},
	{name: "push_topicdevices", method: http.MethodPost, push: true, body: true, match: pathArgs("/mp/topicdevices", 0), handle: (*Server).pushTopicDevices},
	{name: "push_istopicsubscribed", method: http.MethodPost, push: true, body: true, match: pathArgs("/mp/isTopicSubscribed", 0), handle: (*Server).pushIsTopicSubscribed},
	{name: "push_publish", method: http.MethodPost, push: true, body: true, match: exact("/mp/publish"), handle: (*Server).pushPublish},
	{name: "push_publishbatch", method: http.MethodPost, push: true, body: true, match: exact("/mp/publishbatch"), handle: (*Server).pushPublishBatch},
}

// exact matches p with an optional trailing '/' and passes args through.
func exact(p string, args ...string) func(string) ([]string, bool) {
	return func(path string) ([]string, bool) {
		if path == p || path == p+"/" {
			return append([]string{}, args...), true
		}
		return nil, false
	}
}

// pathArgs matches prefix followed by n single-segment arguments and then
// the rest of the path as the last argument (a channel may hold '/').
// Missing segments come back as "", so that the handler can answer 400
// with a sentence rather than 404; one trailing '/' is ignored.
func pathArgs(prefix string, n int) func(string) ([]string, bool) {
	return func(path string) ([]string, bool) {
		rest, ok := strings.CutPrefix(path, prefix)
		if !ok || (rest != "" && rest[0] != '/') {
			return nil, false
		}
		rest = strings.TrimPrefix(rest, "/")
		rest = strings.TrimSuffix(rest, "/")
		args := make([]string, 0, n+1)
		for range n {
			seg, tail, _ := strings.Cut(rest, "/")
			args = append(args, seg)
			rest = tail
		}
		args = append(args, rest)
		for i, a := range args {
			u, err := url.PathUnescape(a)
			if err != nil {
				return nil, true
			}
			args[i] = u
		}
		return args, true
	}
}

// matchRoute finds the route for a request; when the path is known but the
// method is not, it returns the allowed methods instead.
func matchRoute(method, path string) (rt *route, args []string, allow string) {
	var allowed []string
	for _, r := range routes {
		a, ok := r.match(path)
		if !ok {
			continue
		}
		if r.method == method || (r.method == http.MethodGet && method == http.MethodHead) {
			return r, a, ""
		}
		allowed = append(allowed, r.method)
	}
	return nil, nil, strings.Join(dedupe(allowed), ", ")
}

// dedupe drops repeats, keeping the first of each.
func dedupe(ss []string) []string {
	var out []string
	for _, s := range ss {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// request is what a handler gets: the parsed parameters of one call.
type request struct {
	r     *http.Request
	route *route
	args  []string
	vals  url.Values                 // every parameter as text: the body's, then query names the body lacks
	raw   map[string]json.RawMessage // JSON body members as sent (typed push fields); nil for form bodies
	early *reply                     // an answer decided before the handler (413, unparsable body)
}

// appKey names the application a request is for, for counters and faults.
func (q *request) appKey() string {
	switch {
	case q.route.name == "balancer":
		return q.r.URL.Query().Get("appkey")
	case strings.HasPrefix(q.route.name, "presence_"):
		if len(q.args) > 0 {
			return q.args[0]
		}
		return ""
	case q.route.push:
		return q.vals.Get("applicationKey")
	}
	return q.vals.Get("AK")
}

func (s *Server) readRequest(rt *route, r *http.Request, args []string) *request {
	q := &request{r: r, route: rt, args: args, vals: url.Values{}}
	if args == nil {
		q.early = errorReply(rt.push, http.StatusBadRequest, "The path is not validly percent-encoded.")
	}
	if !rt.body {
		return q
	}
	if r.ContentLength > MaxBodyBytes {
		q.early = errorReply(rt.push, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", MaxBodyBytes))
		return q
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	switch {
	case err != nil:
		q.early = errorReply(rt.push, http.StatusBadRequest, "The request body could not be read.")
		return q
	case len(body) > MaxBodyBytes:
		q.early = errorReply(rt.push, http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", MaxBodyBytes))
		return q
	}
	vals, raw, err := parseBody(body)
	if err != nil {
		if q.early == nil {
			q.early = errorReply(rt.push, http.StatusBadRequest, sentence(err.Error()))
		}
		return q
	}
	q.vals, q.raw = vals, raw
	if err := mergeQuery(q.vals, r.URL.RawQuery); err != nil && q.early == nil {
		q.early = errorReply(rt.push, http.StatusBadRequest, "The query string is not valid.")
	}
	return q
}

// ServeHTTP serves the contract routes and the admin API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
				panic(v)
			}
			// A last resort: a bug must not take the server down.
			writeReply(w, textReply(http.StatusInternalServerError, "Internal emulator error."))
		}
	}()
	path := r.URL.EscapedPath()
	if path == adminPrefix[:len(adminPrefix)-1] || strings.HasPrefix(path, adminPrefix) {
		s.serveAdmin(w, r, strings.TrimPrefix(path, adminPrefix))
		return
	}
	rt, args, allow := matchRoute(r.Method, path)
	if rt == nil {
		push := path == "/mp" || strings.HasPrefix(path, "/mp/")
		if allow != "" {
			rp := errorReply(push, http.StatusMethodNotAllowed, fmt.Sprintf("Method %s is not allowed here; use %s.", cut(r.Method, 20), allow))
			rp.allow = allow
			writeReply(w, rp)
			return
		}
		writeReply(w, errorReply(push, http.StatusNotFound, fmt.Sprintf("No such endpoint: %s.", cut(path, 100))))
		return
	}
	q := s.readRequest(rt, r, args)
	app := q.appKey()
	s.count(rt.name, app)
	if f, ok := s.takeFault(rt.name, app); ok && !s.applyFault(w, r, rt, f) {
		return
	}
	rp := q.early
	if rp == nil {
		rp = rt.handle(s, q)
	}
	if err := s.persist(rp.gen); err != nil {
		rp = errorReply(rt.push, http.StatusInternalServerError, "The emulator could not save its state: "+sentence(err.Error()))
	}
	writeReply(w, rp)
}

// reply is a complete answer; handlers build one and ServeHTTP writes it
// once the change it made (gen) is saved.
type reply struct {
	status     int
	ctype      string
	body       []byte
	retryAfter int
	allow      string
	gen        uint64
}

const (
	ctText = "text/plain; charset=utf-8"
	ctJS   = "text/javascript"
	ctJSON = "application/json"
)

// writeReply writes an HTTP/1.1 answer with Content-Length, which the
// contract asks for (and which keeps strict SDK parsers happy).
func writeReply(w http.ResponseWriter, rp *reply) {
	h := w.Header()
	h.Set("Content-Type", rp.ctype)
	h.Set("Content-Length", strconv.Itoa(len(rp.body)))
	if rp.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(rp.retryAfter))
	}
	if rp.allow != "" {
		h.Set("Allow", rp.allow)
	}
	w.WriteHeader(rp.status)
	_, _ = w.Write(rp.body)
}

func textReply(status int, text string) *reply {
	return &reply{status: status, ctype: ctText, body: []byte(text)}
}

// pushException names the kind of a push API error from its status.
func pushException(status int) string {
	switch status {
	case http.StatusBadRequest:
		return "InvalidRequest"
	case http.StatusUnauthorized:
		return "Unauthorized"
	case http.StatusNotFound:
		return "NotFound"
	case http.StatusMethodNotAllowed:
		return "MethodNotAllowed"
	case http.StatusRequestEntityTooLarge:
		return "PayloadTooLarge"
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	}
	if status >= 500 {
		return "ServerError"
	}
	return "Error"
}

// errorReply answers an error the way the route family does: a text/plain
// sentence on the messaging server, {"exception","message"} on push.
func errorReply(push bool, status int, text string) *reply {
	if !push {
		return textReply(status, text)
	}
	return jsonReply(status, struct {
		Exception string `json:"exception"`
		Message   string `json:"message"`
	}{pushException(status), text})
}

func jsonReply(status int, v any) *reply {
	return &reply{status: status, ctype: ctJSON, body: marshal(v)}
}

// marshal encodes compact JSON without HTML escaping and without the
// encoder's trailing newline. The values it is given always encode.
func marshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return []byte("null")
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// sentence capitalises an error text and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	if c := s[0]; c >= 'a' && c <= 'z' {
		s = string(c-'a'+'A') + s[1:]
	}
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}
