package clickhouse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Client talks to one ClickHouse server's HTTP interface.
type Client struct {
	addr     string // host:port
	user     string
	password string
	hc       *http.Client
}

// NewClient returns a client for the server at addr (host:port).
func NewClient(addr, user, password string) *Client {
	return &Client{addr: addr, user: user, password: password, hc: &http.Client{
		// No overall timeout: an export streams for as long as it has rows.
		// The context bounds each call; the transport bounds the dial and
		// the wait for response headers of a stalled server.
		Transport: &http.Transport{
			Proxy:                 nil, // the servers are named directly, never through a proxy
			MaxIdleConnsPerHost:   4,
			IdleConnTimeout:       30 * time.Second,
			ResponseHeaderTimeout: 10 * time.Minute,
		},
	}}
}

// Addr is the server's host:port.
func (c *Client) Addr() string { return c.addr }

// ServerError is an error ClickHouse answered with.
type ServerError struct {
	Addr    string
	Code    int    // ClickHouse's error code, 0 when the body had none
	Message string // the server's text
	Status  int    // HTTP status
}

func (e *ServerError) Error() string {
	return fmt.Sprintf("clickhouse %s: %s", e.Addr, e.Message)
}

var errCode = regexp.MustCompile(`^Code: (\d+), e\.displayText\(\) = (?:DB::Exception: )?(.*?)(?:, e\.what\(\) = .*)?$`)

func serverError(addr string, status int, body []byte) error {
	msg := strings.TrimSpace(string(body))
	e := &ServerError{Addr: addr, Status: status, Message: msg}
	if m := errCode.FindStringSubmatch(msg); m != nil {
		e.Code, _ = strconv.Atoi(m[1])
		e.Message = m[2] + " (code " + m[1] + ")"
	}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	return e
}

// do sends query, with body (nil for none) as the data to insert.
func (c *Client) do(ctx context.Context, query string, body io.Reader) (*http.Response, error) {
	u := url.URL{Scheme: "http", Host: c.addr, Path: "/"}
	var req *http.Request
	var err error
	if body == nil {
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), strings.NewReader(query))
	} else {
		u.RawQuery = url.Values{"query": {query}}.Encode()
		req, err = http.NewRequestWithContext(ctx, http.MethodPost, u.String(), body)
	}
	if err != nil {
		return nil, err
	}
	if c.user != "" {
		req.SetBasicAuth(c.user, c.password)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the method and URL say nothing the address does not
		}
		return nil, fmt.Errorf("clickhouse %s: %w", c.addr, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return nil, serverError(c.addr, resp.StatusCode, b)
	}
	return resp, nil
}

// Exec runs a statement that returns nothing.
func (c *Client) Exec(ctx context.Context, query string) error {
	resp, err := c.do(ctx, query, nil)
	if err != nil {
		return err
	}
	return drain(resp)
}

// Insert runs INSERT ... FORMAT RowBinary (query) with data as its rows.
func (c *Client) Insert(ctx context.Context, query string, data io.Reader) error {
	resp, err := c.do(ctx, query, data)
	if err != nil {
		return err
	}
	return drain(resp)
}

// drain reads and closes a response. ClickHouse sends a late exception in
// the body after a 200 when a query fails once output began; it is
// recognized and returned.
func drain(resp *http.Response) error {
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if cerr := resp.Body.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if bytes.Contains(b, []byte("DB::Exception")) {
		return serverError(resp.Request.URL.Host, resp.StatusCode, b)
	}
	return nil
}

// Result is a query's rows in JSONCompact: each value is a json.Number, a
// string or nil.
type Result struct {
	Meta []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"meta"`
	Data [][]any `json:"data"`
}

// Query runs a SELECT (without a FORMAT clause) and returns its rows.
func (c *Client) Query(ctx context.Context, query string) (*Result, error) {
	resp, err := c.do(ctx, query+"\nFORMAT JSONCompact", nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	dec.UseNumber()
	var r Result
	if err := dec.Decode(&r); err != nil {
		b, _ := io.ReadAll(io.LimitReader(io.MultiReader(dec.Buffered(), resp.Body), 64<<10))
		if bytes.Contains(b, []byte("DB::Exception")) {
			return nil, serverError(c.addr, resp.StatusCode, b)
		}
		return nil, fmt.Errorf("clickhouse %s: reading the result: %w", c.addr, err)
	}
	return &r, nil
}

// errValue is a result value of an unexpected kind.
var errValue = errors.New("unexpected value")

// asString reads a String or Nullable(String) value; null is "", false.
func asString(v any) (string, bool, error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return x, true, nil
	case json.Number:
		return x.String(), true, nil
	}
	return "", false, fmt.Errorf("%w %v (%T)", errValue, v, v)
}

// asFloat reads a number, quoted or not; null (ClickHouse writes inf and
// nan so) is an error.
func asFloat(v any) (float64, error) {
	switch x := v.(type) {
	case json.Number:
		return strconv.ParseFloat(x.String(), 64)
	case string:
		return strconv.ParseFloat(x, 64)
	}
	return 0, fmt.Errorf("%w %v (%T)", errValue, v, v)
}

// asInt reads an integer, quoted (64-bit integers are) or not.
func asInt(v any) (int64, error) {
	switch x := v.(type) {
	case json.Number:
		return strconv.ParseInt(x.String(), 10, 64)
	case string:
		return strconv.ParseInt(x, 10, 64)
	}
	return 0, fmt.Errorf("%w %v (%T)", errValue, v, v)
}
