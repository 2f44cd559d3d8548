package ortc

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// SendInput is a message for one channel.
type SendInput struct {
	Channel string
	Message string
	// Token, when set, is sent as AT instead of the private key.
	Token string
	// ID, when set, is the framing id (8 [a-z0-9]); otherwise random.
	ID string
	// Progress, when set, is called once per accepted part, never concurrently.
	Progress func(PartProgress)
}

// SendBatchInput is a message for several channels (one sendbatch per part).
type SendBatchInput struct {
	Channels []string // 1 to MaxSendBatchChannels, no repeats
	Message  string
	Token    string
	ID       string
	Progress func(PartProgress)
}

// PublishInput is a message with guaranteed delivery.
type PublishInput struct {
	Channel string
	Message string
	TTL     int // seconds the message is kept, at most MaxTTL; 0 = the plan's retention
	Token   string
	ID      string
	// Progress, when set, is called once per accepted part, never concurrently.
	Progress func(PartProgress)
}

// PartProgress reports one part the server accepted.
type PartProgress struct {
	Channel    string // the channel; for SendBatch the channels joined by ","
	Part       int    // 1-based
	Total      int
	SequenceID string // publish: set on the part that completed the message
}

// Delivery describes a delivered message.
type Delivery struct {
	ID         string // framing id
	Parts      int
	SequenceID string // publish only: the message's sequence id
}

// Send delivers a message to one channel: POST {server}/send, one per part.
// It is never retried once a part may have reached the server.
func (c *Client) Send(ctx context.Context, in SendInput) (*Delivery, error) {
	if err := validateConcreteChannel("channel", in.Channel); err != nil {
		return nil, err
	}
	return c.deliver(ctx, "send", "/send", in.Channel, in.Message, in.Token, in.ID, nil, in.Progress)
}

// SendBatch delivers a message to several channels: POST {server}/sendbatch
// with C the comma-joined channels. Authorisation is all or nothing.
func (c *Client) SendBatch(ctx context.Context, in SendBatchInput) (*Delivery, error) {
	if err := validateChannelList("channels", in.Channels, MaxSendBatchChannels, validateConcreteChannel); err != nil {
		return nil, err
	}
	return c.deliver(ctx, "sendbatch", "/sendbatch", strings.Join(in.Channels, ","), in.Message, in.Token, in.ID, nil, in.Progress)
}

// Publish delivers a message with guaranteed delivery: POST {server}/publish,
// one per part. The Delivery's SequenceID is the one non-empty answer among
// the parts (the part that completed the message).
func (c *Client) Publish(ctx context.Context, in PublishInput) (*Delivery, error) {
	if err := validateConcreteChannel("channel", in.Channel); err != nil {
		return nil, err
	}
	if in.TTL < 0 || in.TTL > MaxTTL {
		return nil, &ValidationError{Field: "ttl", Value: strconv.Itoa(in.TTL), Rule: fmt.Sprintf("must be 0 (the plan's retention) to %d seconds", MaxTTL)}
	}
	ttl := strconv.Itoa(in.TTL)
	return c.deliver(ctx, "publish", "/publish", in.Channel, in.Message, in.Token, in.ID, &ttl, in.Progress)
}

// deliver checks the rest of the input, frames the message and posts the
// parts with at most c.concurrency in flight. The first failing part cancels
// the others and fails the message.
func (c *Client) deliver(ctx context.Context, op, path, channel, message, token, id string, ttl *string, progress func(PartProgress)) (*Delivery, error) {
	if token != "" {
		if err := ValidateToken(token); err != nil {
			return nil, err
		}
	} else if err := c.requirePrivateKey(op + " (or set a token)"); err != nil {
		return nil, err
	}
	if err := validateMessage(message); err != nil {
		return nil, err
	}
	if id == "" {
		id = NewMessageID()
	}
	parts, err := Frame(id, message)
	if err != nil {
		return nil, err
	}

	body := func(m string) []byte {
		// Room for the escaped part (a byte escapes to at most 3) and the
		// other fields.
		f := newForm(3*len(m) + len(c.appKey) + len(token) + len(c.privateKey) + len(channel) + 32)
		f.add("AK", c.appKey)
		if token != "" {
			f.add("AT", token)
		} else {
			f.add("PK", c.privateKey)
		}
		f.add("C", channel)
		if ttl != nil {
			f.add("TTL", *ttl)
		}
		f.add("M", m)
		return f.encode()
	}
	var secrets []string
	if token != "" {
		secrets = []string{token}
	}
	// A secret message (WithSecrets) is scrubbed whole by every call; a
	// part's call also scrubs its own chunk.
	secretMessage := slices.Contains(secretsFrom(ctx), message)

	// The first failing part of several cancels the others.
	cancel := context.CancelFunc(func() {})
	if len(parts) > 1 {
		ctx, cancel = context.WithCancel(ctx)
		defer cancel()
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex // guards firstErr, seq and the calls to progress
		firstErr error
		seq      string
		launched int
	)
	sendPart := func(part int, m string) {
		partSecrets := secrets
		if secretMessage {
			partSecrets = append(slices.Clone(secrets), chunkOf(m))
		}
		ans, err := c.do(ctx, call{
			op: op, kind: delivery, method: http.MethodPost, onServer: true,
			path: path, ctype: formType, body: body(m), secrets: partSecrets,
		})
		mu.Lock()
		defer mu.Unlock()
		if firstErr != nil {
			return // the message failed already; this part's fate is moot
		}
		if err != nil {
			firstErr = err
			if len(parts) > 1 {
				firstErr = fmt.Errorf("%w (part %d of %d)", err, part, len(parts))
			}
			cancel()
			return
		}
		var partSeq string
		if ttl != nil {
			partSeq = strings.TrimSpace(string(ans.body))
			if partSeq != "" {
				seq = partSeq
			}
		}
		if progress != nil {
			progress(PartProgress{Channel: channel, Part: part, Total: len(parts), SequenceID: partSeq})
		}
	}
	if len(parts) == 1 {
		// Most messages are one part: no goroutine, no semaphore.
		launched = 1
		sendPart(1, parts[0])
	} else {
		sem := make(chan struct{}, c.concurrency)
	launch:
		for i, m := range parts {
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				break launch
			}
			mu.Lock()
			failed := firstErr != nil
			mu.Unlock()
			if failed {
				<-sem
				break
			}
			launched++
			wg.Add(1)
			go func(part int, m string) {
				defer wg.Done()
				defer func() { <-sem }()
				sendPart(part, m)
			}(i+1, m)
		}
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if launched < len(parts) {
		return nil, fmt.Errorf("ortc: %s: %w (%d of %d parts sent)", op, ctx.Err(), launched, len(parts))
	}
	return &Delivery{ID: id, Parts: len(parts), SequenceID: seq}, nil
}

// chunkOf is the chunk of a framed part, "<id>_<part>-<total>_<chunk>".
func chunkOf(m string) string {
	_, rest, _ := strings.Cut(m, "_")
	_, chunk, _ := strings.Cut(rest, "_")
	return chunk
}
