package presign

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/objectlambda/sdk-go/s3err"
)

const (
	// maxErrorBody is the most bytes of an upstream error document read by
	// parseError. Larger documents are not parsed.
	maxErrorBody = 64 << 10
	// maxMessageLen caps the message taken from an upstream error document.
	maxMessageLen = 512
	maxIDLen      = 128
)

// parseError turns an upstream S3 error response into an *s3err.Error with
// the same status (a status outside 300-599 becomes 500).
//
// It reads at most [maxErrorBody] bytes of body and accepts only a plain
// <Error> document: a DOCTYPE, DTD or entity declaration, a non-XML body,
// an oversized body or a <Code> that does not match ^[A-Z][a-zA-Z]+$ falls
// back to the code of [codeForStatus]. The message is stripped of control
// characters and cut to [maxMessageLen] bytes. The cause (Err) is an
// *[UpstreamError] with the request ids for logs. It never panics and never
// returns nil; body may be nil.
func parseError(status int, header http.Header, body io.Reader) *s3err.Error {
	if status < 300 || status > 599 {
		status = http.StatusInternalServerError
	}
	up := &UpstreamError{StatusCode: status}
	if header != nil {
		up.RequestID = cleanID(header.Get("X-Amz-Request-Id"))
		up.HostID = cleanID(header.Get("X-Amz-Id-2"))
		if status == http.StatusRequestedRangeNotSatisfiable {
			up.ContentRange = unsatisfiedRange(header.Get("Content-Range"))
		}
	}
	var doc errorDoc
	if body != nil {
		buf, err := io.ReadAll(io.LimitReader(body, maxErrorBody+1))
		if err == nil && len(buf) <= maxErrorBody {
			doc, _ = parseErrorDoc(buf)
		}
	}
	up.Code = cleanID(doc.Code)
	if doc.RequestID != "" {
		up.RequestID = cleanID(doc.RequestID)
	}
	if doc.HostID != "" {
		up.HostID = cleanID(doc.HostID)
	}
	code := doc.Code
	if !s3err.ValidCode(code) {
		code = codeForStatus(status)
	}
	msg := cleanMessage(doc.Message)
	if msg == "" {
		msg = "upstream S3 answered " + strings.TrimSpace(http.StatusText(status))
		if http.StatusText(status) == "" {
			msg = "upstream S3 answered an error"
		}
	}
	return s3err.Wrap(up, status, code, msg)
}

type errorDoc struct {
	Code, Message, RequestID, HostID string
}

var errNotErrorDoc = errors.New("not an S3 error document")

// parseErrorDoc reads <Error><Code/><Message/><RequestId/><HostId/>...</Error>
// with a strict token loop: no directives (DOCTYPE, ENTITY), one root named
// Error, text fields only from its direct children.
func parseErrorDoc(buf []byte) (errorDoc, error) {
	var doc errorDoc
	if !utf8.Valid(buf) || bytes.Contains(buf, []byte("<!")) && containsDirective(buf) {
		return doc, errNotErrorDoc
	}
	dec := xml.NewDecoder(bytes.NewReader(buf))
	dec.Strict = true
	dec.Entity = nil
	dec.CharsetReader = nil
	depth := 0
	rootSeen := false
	field := ""
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if !rootSeen || depth != 0 {
				return errorDoc{}, errNotErrorDoc
			}
			return doc, nil
		}
		if err != nil {
			return errorDoc{}, err
		}
		switch t := tok.(type) {
		case xml.Directive:
			return errorDoc{}, errNotErrorDoc
		case xml.ProcInst:
			if t.Target != "xml" || rootSeen {
				return errorDoc{}, errNotErrorDoc
			}
		case xml.StartElement:
			depth++
			switch {
			case depth == 1:
				if rootSeen || t.Name.Local != "Error" {
					return errorDoc{}, errNotErrorDoc
				}
				rootSeen = true
			case depth == 2:
				field = t.Name.Local
				text.Reset()
			}
		case xml.EndElement:
			if depth == 2 {
				v := text.String()
				switch field {
				case "Code":
					doc.Code = strings.TrimSpace(v)
				case "Message":
					doc.Message = v
				case "RequestId":
					doc.RequestID = v
				case "HostId":
					doc.HostID = v
				}
				field = ""
			}
			depth--
		case xml.CharData:
			if depth == 2 && text.Len() < maxErrorBody {
				text.Write(t)
			} else if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return errorDoc{}, errNotErrorDoc
			}
		}
	}
}

// containsDirective reports a "<!" that is not the start of a comment or
// CDATA section.
func containsDirective(buf []byte) bool {
	for i := 0; ; {
		j := bytes.Index(buf[i:], []byte("<!"))
		if j < 0 {
			return false
		}
		rest := buf[i+j+2:]
		if !bytes.HasPrefix(rest, []byte("--")) && !bytes.HasPrefix(rest, []byte("[CDATA[")) {
			return true
		}
		i += j + 2
	}
}

// cleanMessage removes control and format characters, collapses white space
// and cuts the result to maxMessageLen bytes on a rune boundary.
func cleanMessage(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToValidUTF8(s, "") {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			space = b.Len() > 0
			continue
		}
		need := utf8.RuneLen(r)
		if space {
			need++
		}
		if b.Len()+need > maxMessageLen {
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// cleanID keeps request ids printable and short.
func cleanID(s string) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < maxIDLen; i++ {
		if c := s[i]; c > 0x20 && c < 0x7f {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// unsatisfiedRange returns v when it is a well-formed "bytes */size".
func unsatisfiedRange(v string) string {
	size, ok := strings.CutPrefix(v, "bytes */")
	if !ok || size == "" || len(size) > 19 {
		return ""
	}
	for i := 0; i < len(size); i++ {
		if size[i] < '0' || size[i] > '9' {
			return ""
		}
	}
	return v
}
