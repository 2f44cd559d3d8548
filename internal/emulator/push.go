package emulator

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

func pushBad(text string) *reply { return errorReply(true, http.StatusBadRequest, text) }

// pushApp checks the push API's credentials in the body.
func (s *Server) pushApp(q *request) (App, *reply) {
	app, rp := s.appByKey(q.vals.Get("applicationKey"), "applicationKey", true)
	if rp != nil {
		return App{}, rp
	}
	return app, checkPrivateKey(app, q.vals.Get("privateKey"), "privateKey", true)
}

// Page tokens are opaque to clients; inside they name the listing they
// belong to and an offset into it. The listings only grow (until a reset),
// so an offset stays valid while topics or devices are added between
// pages: nothing is skipped or repeated.
func pageToken(listing string, offset int) *string {
	t := base64.RawURLEncoding.EncodeToString([]byte("v1\x00" + listing + "\x00" + strconv.Itoa(offset)))
	return &t
}

func pageOffset(q *request, listing string) (int, *reply) {
	t := q.vals.Get("nextToken")
	if t == "" {
		return 0, nil
	}
	bad := pushBad("Invalid nextToken: pass the nextToken of the previous page of this listing.")
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil {
		return 0, bad
	}
	parts := strings.Split(string(b), "\x00")
	if len(parts) != 3 || parts[0] != "v1" || parts[1] != listing {
		return 0, bad
	}
	off, err := strconv.Atoi(parts[2])
	if err != nil || off < 0 {
		return 0, bad
	}
	return off, nil
}

// page cuts items[off:] to the page size and returns the next token.
func (s *Server) page(items []string, off int, listing string) ([]string, *string) {
	if off >= len(items) {
		return []string{}, nil
	}
	end := min(off+s.pageSize, len(items))
	out := append([]string{}, items[off:end]...)
	if end < len(items) {
		return out, pageToken(listing, end)
	}
	return out, nil
}

// pushListTopics serves POST /mp/listtopics: the topics that have devices,
// in the order they got their first one.
func (s *Server) pushListTopics(q *request) *reply {
	app, rp := s.pushApp(q)
	if rp != nil {
		return rp
	}
	off, rp := pageOffset(q, "topics")
	if rp != nil {
		return rp
	}
	s.mu.Lock()
	var topics []string
	if ad := s.st.devices[app.Key]; ad != nil {
		topics = ad.topics
	}
	items, next := s.page(topics, off, "topics")
	s.mu.Unlock()
	return &reply{status: http.StatusOK, ctype: ctJSON, body: marshalPage("topics", items, next)}
}

// marshalPage writes {"<field>":[...],"nextToken":...} with an empty list
// as [] rather than null.
func marshalPage(field string, items []string, next *string) []byte {
	var b bytes.Buffer
	b.WriteString(`{"` + field + `":`)
	b.Write(marshal(items))
	b.WriteString(`,"nextToken":`)
	b.Write(marshal(next))
	b.WriteByte('}')
	return b.Bytes()
}

// topicArg validates the topic in the path.
func topicArg(q *request) (string, *reply) {
	t := q.args[0]
	switch {
	case t == "":
		return "", pushBad("Missing topic in the path.")
	case !validTopic(t):
		return "", pushBad("Invalid topic " + strconv.Quote(cut(t, 100)) + ": want 1 to 99 bytes of [A-Za-z0-9_-:].")
	}
	return t, nil
}

// pushTopicDevices serves POST /mp/topicdevices/{topic}: the topic's device
// tokens in the order they were added (an empty list for an unknown topic).
func (s *Server) pushTopicDevices(q *request) *reply {
	app, rp := s.pushApp(q)
	if rp != nil {
		return rp
	}
	topic, rp := topicArg(q)
	if rp != nil {
		return rp
	}
	listing := "devices\x01" + topic
	off, rp := pageOffset(q, listing)
	if rp != nil {
		return rp
	}
	s.mu.Lock()
	var tokens []string
	if ad := s.st.devices[app.Key]; ad != nil {
		if td := ad.byTopic[topic]; td != nil {
			tokens = td.tokens
		}
	}
	items, next := s.page(tokens, off, listing)
	s.mu.Unlock()
	return &reply{status: http.StatusOK, ctype: ctJSON, body: marshalPage("tokens", items, next)}
}

// pushIsTopicSubscribed serves POST /mp/isTopicSubscribed/{topic}: true
// when the topic has at least one device.
func (s *Server) pushIsTopicSubscribed(q *request) *reply {
	app, rp := s.pushApp(q)
	if rp != nil {
		return rp
	}
	topic, rp := topicArg(q)
	if rp != nil {
		return rp
	}
	s.mu.Lock()
	n := s.st.deviceCount(app.Key, topic)
	s.mu.Unlock()
	return &reply{status: http.StatusOK, ctype: ctJSON, body: []byte(strconv.FormatBool(n > 0))}
}

// notification reads message, payload, apns and gcm.
func notification(q *request) (Push, *reply) {
	var p Push
	if r, ok := q.raw["message"]; ok && r[0] != '"' {
		return p, pushBad("Invalid message: want a string.")
	}
	if !q.vals.Has("message") {
		return p, pushBad("Missing message.")
	}
	p.Message = q.vals.Get("message")
	var rp *reply
	if p.Payload, rp = jsonObject(q, "payload", true); rp != nil {
		return p, rp
	}
	if p.APNS, rp = jsonObject(q, "apns", false); rp != nil {
		return p, rp
	}
	if p.GCM, rp = jsonObject(q, "gcm", false); rp != nil {
		return p, rp
	}
	return p, nil
}

// jsonObject returns an optional parameter that must be a JSON object, as
// sent. A JSON body's member must be an object; with orString, a string
// holding a JSON object is accepted too (some SDKs encode the payload
// twice) and the object inside is returned. From a form body or the query
// the value is the object's JSON text; empty there means absent.
func jsonObject(q *request, name string, orString bool) (json.RawMessage, *reply) {
	text := q.vals.Get(name)
	if r, ok := q.raw[name]; ok {
		if r[0] != '"' {
			text = string(r)
		} else if !orString {
			return nil, pushBad("Invalid " + name + ": want a JSON object.")
		}
	} else if text == "" {
		return nil, nil
	}
	text = strings.TrimSpace(text)
	if !strings.HasPrefix(text, "{") || !json.Valid([]byte(text)) {
		return nil, pushBad("Invalid " + name + ": want a JSON object.")
	}
	return json.RawMessage(text), nil
}

// pushPublish serves POST /mp/publish. A channel without devices is an
// invalid request, as the vendor documents.
func (s *Server) pushPublish(q *request) *reply {
	app, rp := s.pushApp(q)
	if rp != nil {
		return rp
	}
	ch := q.vals.Get("channel")
	switch {
	case ch == "":
		return pushBad("Missing channel.")
	case !validTopic(ch):
		return pushBad("Invalid channel " + strconv.Quote(cut(ch, 100)) + ": want 1 to 99 bytes of [A-Za-z0-9_-:].")
	}
	return s.recordPush(app, "publish", []string{ch}, q)
}

// pushPublishBatch serves POST /mp/publishbatch: channels is an array of
// 1 to 100 topics. Like sendbatch it is all or nothing: one channel without
// devices makes the whole request invalid.
func (s *Server) pushPublishBatch(q *request) *reply {
	app, rp := s.pushApp(q)
	if rp != nil {
		return rp
	}
	channels := q.vals["channels"] // a form body or the query repeats the field
	if r, ok := q.raw["channels"]; ok {
		channels = nil
		if err := json.Unmarshal(r, &channels); err != nil {
			return pushBad("Invalid channels: want an array of strings.")
		}
	}
	if len(channels) == 0 || len(channels) > maxPushChannels {
		return pushBad("Invalid channels: want an array of 1 to " + strconv.Itoa(maxPushChannels) + " channels.")
	}
	var uniq []string
	for _, ch := range channels {
		if !validTopic(ch) {
			return pushBad("Invalid channel " + strconv.Quote(cut(ch, 100)) + ": want 1 to 99 bytes of [A-Za-z0-9_-:].")
		}
		if !slices.Contains(uniq, ch) {
			uniq = append(uniq, ch)
		}
	}
	return s.recordPush(app, "publishbatch", uniq, q)
}

func (s *Server) recordPush(app App, endpoint string, channels []string, q *request) *reply {
	p, rp := notification(q)
	if rp != nil {
		return rp
	}
	p.App, p.Endpoint, p.Channels = app.Key, endpoint, channels
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range channels {
		n := s.st.deviceCount(app.Key, ch)
		if n == 0 {
			return pushBad("Channel " + ch + " has no subscribed devices.")
		}
		p.Devices += n
	}
	s.st.pushes = append(s.st.pushes, &p)
	return &reply{status: http.StatusOK, ctype: ctJSON, body: []byte("null"), gen: s.changed()}
}
