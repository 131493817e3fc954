package objectlambdatest

import (
	"encoding/xml"
	"net/http"
	"time"
)

// serveListBuckets answers ListBuckets with the one bucket the access point
// serves, so that clients that start with it (aws s3 ls, s3cmd ls, rclone
// lsd) find it. On AWS the access point is addressed by its ARN or alias
// and ListBuckets is not an Object Lambda operation.
func (ap *AccessPoint) serveListBuckets(w http.ResponseWriter, r *http.Request, reqID string) {
	type bucket struct {
		Name         string `xml:"Name"`
		CreationDate string `xml:"CreationDate"`
		BucketRegion string `xml:"BucketRegion"`
	}
	type owner struct {
		ID          string `xml:"ID"`
		DisplayName string `xml:"DisplayName"`
	}
	type result struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ ListAllMyBucketsResult"`
		Owner   owner    `xml:"Owner"`
		Buckets []bucket `xml:"Buckets>Bucket"`
	}
	writeXML(w, r, result{
		Owner:   owner{ID: ap.cfg.account, DisplayName: ap.cfg.apName},
		Buckets: []bucket{{Name: ap.cfg.bucket, CreationDate: ap.started.UTC().Format(time.RFC3339), BucketRegion: ap.cfg.region}},
	}, reqID)
}

// serveLocation answers GetBucketLocation with the access point's region,
// which is the region callers must sign for, whatever the store's.
func (ap *AccessPoint) serveLocation(w http.ResponseWriter, r *http.Request, reqID string) {
	type location struct {
		XMLName xml.Name `xml:"http://s3.amazonaws.com/doc/2006-03-01/ LocationConstraint"`
		Region  string   `xml:",chardata"`
	}
	region := ap.cfg.region
	if region == "us-east-1" {
		region = "" // as S3 answers for us-east-1
	}
	writeXML(w, r, location{Region: region}, reqID)
}

func writeXML(w http.ResponseWriter, r *http.Request, v any, reqID string) {
	b, err := xml.Marshal(v)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalError", "objectlambdatest: cannot encode the reply", reqID)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(append([]byte(xml.Header), b...))
	}
}
