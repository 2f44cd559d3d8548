package emulator

import (
	"encoding/json"
	"strings"
	"testing"
)

const creds = `"applicationKey":"app1","privateKey":"pk1"`

// page is one decoded page of a push listing.
type page struct {
	Topics    []string `json:"topics"`
	Tokens    []string `json:"tokens"`
	NextToken *string  `json:"nextToken"`
}

func (e *env) page(path, next string) page {
	e.t.Helper()
	body := "{" + creds
	if next != "" {
		body += `,"nextToken":` + string(marshal(next))
	}
	r := e.postJSON(path, body+"}")
	if r.status != 200 || r.header.Get("Content-Type") != ctJSON {
		e.t.Fatalf("%s: %d %q", path, r.status, r.body)
	}
	var p page
	if err := json.Unmarshal([]byte(r.body), &p); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// all walks a listing page by page, calling between after each page.
func (e *env) all(path string, between func(int)) (items []string, pages int) {
	next := ""
	for {
		p := e.page(path, next)
		items = append(items, p.Topics...)
		items = append(items, p.Tokens...)
		pages++
		if between != nil {
			between(pages)
		}
		if p.NextToken == nil {
			return items, pages
		}
		next = *p.NextToken
	}
}

func TestPushListings(t *testing.T) {
	e := newEnv(t, Options{PageSize: 2})
	e.postJSON("/mp/listtopics", "{"+creds+"}").expect(t, 200, ctJSON, `{"topics":[],"nextToken":null}`)
	for _, topic := range []string{"t1", "t2", "t3", "t4", "t5"} {
		e.s.AddDevices(testApp, topic, "d-"+topic)
	}
	e.s.AddDevices(openApp, "elsewhere", "d")
	topics, pages := e.all("/mp/listtopics", nil)
	if strings.Join(topics, ",") != "t1,t2,t3,t4,t5" || pages != 3 {
		t.Fatalf("topics %v in %d pages", topics, pages)
	}
	// A full last page still ends with null.
	e.s.AddDevices(testApp, "t6", "d")
	if topics, pages = e.all("/mp/listtopics/", nil); len(topics) != 6 || pages != 3 {
		t.Fatalf("topics %v in %d pages", topics, pages)
	}
	// Topics added while paging neither shift nor repeat anything.
	topics, _ = e.all("/mp/listtopics", func(p int) {
		if p == 1 {
			e.s.AddDevices(testApp, "t7", "d")
			e.s.AddDevices(testApp, "t1", "another") // an existing topic
		}
	})
	if strings.Join(topics, ",") != "t1,t2,t3,t4,t5,t6,t7" {
		t.Fatalf("topics while adding: %v", topics)
	}

	for i := range 5 {
		e.s.AddDevices(testApp, "news", "dev"+itoa(i))
	}
	e.s.AddDevices(testApp, "news", "dev0") // already there
	tokens, pages := e.all("/mp/topicdevices/news", nil)
	if strings.Join(tokens, ",") != "dev0,dev1,dev2,dev3,dev4" || pages != 3 {
		t.Fatalf("tokens %v in %d pages", tokens, pages)
	}
	e.postJSON("/mp/topicdevices/none", "{"+creds+"}").expect(t, 200, ctJSON, `{"tokens":[],"nextToken":null}`)

	// Tokens are bound to their listing.
	first := e.page("/mp/topicdevices/news", "")
	e.postJSON("/mp/listtopics", "{"+creds+`,"nextToken":`+string(marshal(*first.NextToken))+"}").
		expect(t, 400, ctJSON, `{"exception":"InvalidRequest","message":"Invalid nextToken: pass the nextToken of the previous page of this listing."}`)
	e.postJSON("/mp/listtopics", "{"+creds+`,"nextToken":"garbage!"}`).expect(t, 400, ctJSON,
		`{"exception":"InvalidRequest","message":"Invalid nextToken: pass the nextToken of the previous page of this listing."}`)
	e.postJSON("/mp/listtopics", "{"+creds+`,"nextToken":null}`).expect(t, 200, ctJSON,
		`{"topics":["t1","t2"],"nextToken":"`+*e.page("/mp/listtopics", "").NextToken+`"}`)
}

func TestPushIsTopicSubscribed(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.AddDevices(testApp, "news", "d1")
	e.postJSON("/mp/isTopicSubscribed/news", "{"+creds+"}").expect(t, 200, ctJSON, "true")
	e.postJSON("/mp/isTopicSubscribed/other/", "{"+creds+"}").expect(t, 200, ctJSON, "false")
	e.postJSON("/mp/isTopicSubscribed/a.b", "{"+creds+"}").expect(t, 400, ctJSON,
		`{"exception":"InvalidRequest","message":"Invalid topic \"a.b\": want 1 to 99 bytes of [A-Za-z0-9_-:]."}`)
	e.postJSON("/mp/isTopicSubscribed", "{"+creds+"}").expect(t, 400, ctJSON,
		`{"exception":"InvalidRequest","message":"Missing topic in the path."}`)
	e.postJSON("/mp/topicdevices/a%2Fb", "{"+creds+"}").expect(t, 400, ctJSON,
		`{"exception":"InvalidRequest","message":"Invalid topic \"a/b\": want 1 to 99 bytes of [A-Za-z0-9_-:]."}`)
}

func TestPushPublish(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.AddDevices(testApp, "news", "d1", "d2")
	e.s.AddDevices(testApp, "sport", "d3")
	e.postJSON("/mp/publish", "{"+creds+`,"channel":"empty","message":"hi"}`).expect(t, 400, ctJSON,
		`{"exception":"InvalidRequest","message":"Channel empty has no subscribed devices."}`)
	e.postJSON("/mp/publish", "{"+creds+`,"channel":"news","message":"hi","payload":{"sound":"default","badge":"1"},"apns":{"aps": {"alert":"x"}},"gcm":{"data":{}}}`).
		expect(t, 200, ctJSON, "null")
	e.postJSON("/mp/publish/", "{"+creds+`,"channel":"news","message":"hi","payload":"{\"extra\":\"e\"}"}`).expect(t, 200, ctJSON, "null")
	e.postJSON("/mp/publishbatch", "{"+creds+`,"channels":["news","sport","news"],"message":"both"}`).expect(t, 200, ctJSON, "null")
	ps := e.s.Pushes(testApp)
	if len(ps) != 3 {
		t.Fatalf("pushes %+v", ps)
	}
	if p := ps[0]; p.Endpoint != "publish" || p.Devices != 2 || string(p.Payload) != `{"sound":"default","badge":"1"}` ||
		string(p.APNS) != `{"aps": {"alert":"x"}}` || string(p.GCM) != `{"data":{}}` || p.Message != "hi" {
		t.Fatalf("push %+v", p)
	}
	if p := ps[1]; string(p.Payload) != `{"extra":"e"}` || p.APNS != nil {
		t.Fatalf("push with a string payload %+v", p)
	}
	if p := ps[2]; p.Endpoint != "publishbatch" || strings.Join(p.Channels, ",") != "news,sport" || p.Devices != 3 {
		t.Fatalf("batch push %+v", p)
	}
}

func TestPushErrors(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.AddDevices(testApp, "news", "d1")
	many := make([]string, 101)
	for i := range many {
		many[i] = `"news"`
	}
	for _, tc := range []struct {
		name, path, body string
		status           int
		message          string
	}{
		{"a missing application key", "/mp/listtopics", `{"privateKey":"pk1"}`, 400, "Missing applicationKey."},
		{"an unknown application key", "/mp/listtopics", `{"applicationKey":"x","privateKey":"pk1"}`, 401, "Invalid application key."},
		{"a missing private key", "/mp/publish", `{"applicationKey":"app1"}`, 400, "Missing privateKey."},
		{"a wrong private key", "/mp/topicdevices/news", `{"applicationKey":"app1","privateKey":"x"}`, 401, "Invalid private key."},
		{"a body that is no JSON object", "/mp/listtopics", `{"applicationKey":`, 400, "The request body is not a valid JSON object."},
		{"a publish without channel", "/mp/publish", "{" + creds + `,"message":"m"}`, 400, "Missing channel."},
		{"a publish to a bad channel", "/mp/publish", "{" + creds + `,"channel":"a/b","message":"m"}`, 400, ""},
		{"a publish without message", "/mp/publish", "{" + creds + `,"channel":"news"}`, 400, "Missing message."},
		{"a message that is no string", "/mp/publish", "{" + creds + `,"channel":"news","message":5}`, 400, "Invalid message: want a string."},
		{"a payload that is no object", "/mp/publish", "{" + creds + `,"channel":"news","message":"m","payload":[1]}`, 400, "Invalid payload: want a JSON object."},
		{"a payload string that is no object", "/mp/publish", "{" + creds + `,"channel":"news","message":"m","payload":"x"}`, 400, "Invalid payload: want a JSON object."},
		{"an apns string", "/mp/publish", "{" + creds + `,"channel":"news","message":"m","apns":"{}"}`, 400, "Invalid apns: want a JSON object."},
		{"a gcm number", "/mp/publish", "{" + creds + `,"channel":"news","message":"m","gcm":1}`, 400, "Invalid gcm: want a JSON object."},
		{"a batch without channels", "/mp/publishbatch", "{" + creds + `,"channels":[],"message":"m"}`, 400, "Invalid channels: want an array of 1 to 100 channels."},
		{"a batch of 101 channels", "/mp/publishbatch", "{" + creds + `,"channels":[` + strings.Join(many, ",") + `],"message":"m"}`, 400, "Invalid channels: want an array of 1 to 100 channels."},
		{"a batch with channels as a string", "/mp/publishbatch", "{" + creds + `,"channels":"news","message":"m"}`, 400, "Invalid channels: want an array of strings."},
		{"a batch with one channel without devices", "/mp/publishbatch", "{" + creds + `,"channels":["news","none"],"message":"m"}`, 400, "Channel none has no subscribed devices."},
		{"an unknown push path", "/mp/nothing", "{}", 404, "No such endpoint: /mp/nothing."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := e.postJSON(tc.path, tc.body)
			var got struct{ Exception, Message string }
			if err := json.Unmarshal([]byte(r.body), &got); err != nil || r.status != tc.status || r.header.Get("Content-Type") != ctJSON ||
				got.Exception != pushException(tc.status) || !isSentence(got.Message) || (tc.message != "" && got.Message != tc.message) {
				t.Fatalf("got %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
			}
		})
	}
	e.get("/mp/listtopics").expect(t, 405, ctJSON, `{"exception":"MethodNotAllowed","message":"Method GET is not allowed here; use POST."}`)
	if n := len(e.s.Pushes("")); n != 0 {
		t.Fatalf("refused pushes recorded: %d", n)
	}
}

// The push API takes form bodies too, as the server is lenient.
func TestPushFormBody(t *testing.T) {
	e := newEnv(t, Options{})
	e.s.AddDevices(testApp, "a", "d")
	e.s.AddDevices(testApp, "b", "d")
	e.do("POST", "/mp/publishbatch", formType, `applicationKey=app1&privateKey=pk1&channels=a&channels=b&message=m&payload=%7B%22x%22%3A1%7D`).expect(t, 200, ctJSON, "null")
	if p := e.s.Pushes(testApp); len(p) != 1 || strings.Join(p[0].Channels, ",") != "a,b" || string(p[0].Payload) != `{"x":1}` {
		t.Fatalf("pushes %+v", p)
	}
}
