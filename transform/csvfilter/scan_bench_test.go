package csvfilter

import (
	"bytes"
	"encoding/csv"
	"io"
	"testing"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// BenchmarkScanVsCSV alternates the scanner alone and encoding/csv's
// Reader alone over the same records: x-csv is the speed-up of scanning.
func BenchmarkScanVsCSV(b *testing.B) {
	input := benchInput()[:1<<20]
	input = input[:bytes.LastIndexByte(input, '\n')+1]
	transformtest.Paired(b, len(input), "csv", func() error {
		sc := newScanner(bytes.NewReader(input), ',', false, 4<<20)
		for {
			if err := sc.next(); err != nil {
				return ignoreEOF(err)
			}
		}
	}, func() error {
		r := csv.NewReader(bytes.NewReader(input))
		r.ReuseRecord = true
		for {
			if _, err := r.Read(); err != nil {
				return ignoreEOF(err)
			}
		}
	})
}

func ignoreEOF(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}
