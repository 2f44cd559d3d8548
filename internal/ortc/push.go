package ortc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
)

// PushNotification is a mobile-push notification.
type PushNotification struct {
	Message string          // the alert text (required)
	Payload json.RawMessage // optional JSON object: {"sound":"default","badge":"1",...}
	APNS    json.RawMessage // optional raw APNS payload object, passed through
	GCM     json.RawMessage // optional raw GCM/FCM payload object, passed through
}

// pushRequest is every push body: the keys first, then the operation's
// fields; optional ones are left out when empty.
type pushRequest struct {
	ApplicationKey string          `json:"applicationKey"`
	PrivateKey     string          `json:"privateKey"`
	NextToken      string          `json:"nextToken,omitempty"`
	Channel        string          `json:"channel,omitempty"`
	Channels       []string        `json:"channels,omitempty"`
	Message        string          `json:"message,omitempty"`
	Payload        json.RawMessage `json:"payload,omitempty"`
	APNS           json.RawMessage `json:"apns,omitempty"`
	GCM            json.RawMessage `json:"gcm,omitempty"`
}

// pushException is the error object of the push API, which may come with a
// 2xx status too.
type pushException struct {
	Exception string `json:"exception"`
	Message   string `json:"message"`
}

const jsonType = "application/json"

// push posts a JSON body to {push}{path} and returns the 2xx answer after
// checking it is not an exception object.
func (c *Client) push(ctx context.Context, op string, kind opKind, path string, body pushRequest) ([]byte, error) {
	body.ApplicationKey = c.appKey
	body.PrivateKey = c.privateKey
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // the message goes as written, not with \u003c
	if err := enc.Encode(body); err != nil {
		return nil, fmt.Errorf("ortc: %s: encoding the request: %w", op, err)
	}
	ans, err := c.do(ctx, call{
		op: op, kind: kind, method: http.MethodPost, base: c.pushURL, path: path,
		ctype: jsonType, body: bytes.TrimSuffix(buf.Bytes(), []byte("\n")),
	})
	if err != nil {
		return nil, err
	}
	trimmed := bytes.TrimSpace(ans.body)
	var ex pushException
	if len(trimmed) > 0 && trimmed[0] == '{' && json.Unmarshal(trimmed, &ex) == nil && ex.Exception != "" {
		return nil, newAPIError(op, ans.status, trimmed, ans.attempts, []string{c.privateKey})
	}
	return trimmed, nil
}

// Topics lists the push channels (topics) that have subscribed devices,
// fetching one page at a time as the loop asks for more: POST {push}/listtopics.
// An error ends the sequence.
func (c *Client) Topics(ctx context.Context) iter.Seq2[string, error] {
	return c.pages(ctx, "push_listtopics", "/listtopics", "")
}

// AllTopics collects every page of Topics.
func (c *Client) AllTopics(ctx context.Context) ([]string, error) {
	return collect(c.Topics(ctx))
}

// TopicDevices lists the device tokens subscribed to a topic, page by page:
// POST {push}/topicdevices/{topic}. Device tokens are sensitive.
func (c *Client) TopicDevices(ctx context.Context, topic string) iter.Seq2[string, error] {
	if err := ValidateTopic(topic); err != nil {
		return func(yield func(string, error) bool) { yield("", err) }
	}
	return c.pages(ctx, "push_topicdevices", "/topicdevices/"+escapeSegment(topic), topic)
}

// AllTopicDevices collects every page of TopicDevices.
func (c *Client) AllTopicDevices(ctx context.Context, topic string) ([]string, error) {
	return collect(c.TopicDevices(ctx, topic))
}

func collect(seq iter.Seq2[string, error]) ([]string, error) {
	out := []string{}
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// pages walks nextToken pages lazily: a page is fetched only when the
// consumer wants the item after the previous page, so memory is one page
// and breaking out of the loop stops the requests.
func (c *Client) pages(ctx context.Context, op, path, topic string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := c.requirePrivateKey(op); err != nil {
			yield("", err)
			return
		}
		next := ""
		for {
			body, err := c.push(ctx, op, idempotent, path, pushRequest{NextToken: next})
			if err != nil {
				yield("", err)
				return
			}
			var page struct {
				Topics    []string `json:"topics"`
				Tokens    []string `json:"tokens"`
				NextToken *string  `json:"nextToken"`
			}
			if len(body) == 0 || body[0] != '{' || json.Unmarshal(body, &page) != nil {
				yield("", fmt.Errorf("ortc: %s: unexpected answer %q, want a page object", op, cut(scrub(string(body), []string{c.privateKey}), 200)))
				return
			}
			items := page.Topics
			if topic != "" {
				items = page.Tokens
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			// null (or "") ends the walk; the same token again would loop forever.
			if page.NextToken == nil || *page.NextToken == "" {
				return
			}
			if *page.NextToken == next {
				yield("", fmt.Errorf("ortc: %s: the server answered the same nextToken again", op))
				return
			}
			next = *page.NextToken
		}
	}
}

// IsTopicSubscribed reports whether a topic has subscribed devices:
// POST {push}/isTopicSubscribed/{topic}.
func (c *Client) IsTopicSubscribed(ctx context.Context, topic string) (bool, error) {
	if err := ValidateTopic(topic); err != nil {
		return false, err
	}
	if err := c.requirePrivateKey("push_istopicsubscribed"); err != nil {
		return false, err
	}
	body, err := c.push(ctx, "push_istopicsubscribed", idempotent, "/isTopicSubscribed/"+escapeSegment(topic), pushRequest{})
	if err != nil {
		return false, err
	}
	var b bool
	if json.Unmarshal(body, &b) != nil {
		return false, fmt.Errorf("ortc: push_istopicsubscribed: unexpected answer %q, want true or false", cut(scrub(string(body), []string{c.privateKey}), 200))
	}
	return b, nil
}

// PushPublish sends a notification to the devices of one topic:
// POST {push}/publish. A topic without devices is a 400.
func (c *Client) PushPublish(ctx context.Context, channel string, n PushNotification) error {
	if err := validateTopic("channel", channel); err != nil {
		return err
	}
	if err := c.checkNotification(n); err != nil {
		return err
	}
	_, err := c.push(ctx, "push_publish", delivery, "/publish", pushRequest{
		Channel: channel, Message: n.Message, Payload: n.Payload, APNS: n.APNS, GCM: n.GCM,
	})
	return err
}

// PushPublishBatch sends a notification to the devices of 1 to
// MaxPushChannels topics: POST {push}/publishbatch.
func (c *Client) PushPublishBatch(ctx context.Context, channels []string, n PushNotification) error {
	if err := validateChannelList("channels", channels, MaxPushChannels, validateTopic); err != nil {
		return err
	}
	if err := c.checkNotification(n); err != nil {
		return err
	}
	_, err := c.push(ctx, "push_publishbatch", delivery, "/publishbatch", pushRequest{
		Channels: channels, Message: n.Message, Payload: n.Payload, APNS: n.APNS, GCM: n.GCM,
	})
	return err
}

func (c *Client) checkNotification(n PushNotification) error {
	if err := validateMessage(n.Message); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
	}{{"payload", n.Payload}, {"apns", n.APNS}, {"gcm", n.GCM}} {
		if err := validateJSONObject(f.name, f.raw); err != nil {
			return err
		}
	}
	return c.requirePrivateKey("push")
}
