package gateway

import (
	"net/http"

	"github.com/objectlambda/sdk-go/gateway/internal/s3xml"
	"github.com/objectlambda/sdk-go/s3err"
)

// refusal is an S3 error answer, with the elements some codes carry.
type refusal struct {
	err   *s3err.Error
	extra []s3xml.Elem
}

func refuse(status int, code, message string, extra ...s3xml.Elem) *refusal {
	return &refusal{err: s3err.New(status, code, message), extra: extra}
}

func (f *refusal) Error() string { return f.err.Error() }

func (f *refusal) write(w http.ResponseWriter, r *http.Request, requestID string) {
	s3xml.WriteError(w, r, f.err, requestID, f.extra...)
}

// writeError answers an S3 error.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message, requestID string) {
	s3xml.Error(w, r, status, code, message, requestID)
}

// Messages of the answers the gateway gives itself, as S3 words them.
const (
	msgAccessDenied   = "Access Denied"
	msgInternal       = "We encountered an internal error. Please try again."
	msgUnavailable    = "Please reduce your request rate."
	msgClosed         = "The gateway is shutting down; retry."
	msgNotImplemented = "A header you provided implies functionality that is not implemented"
)
