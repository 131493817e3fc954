package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/examples/internal/extest"
	"github.com/objectlambda/sdk-go/examples/internal/samtemplate"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func handler(t *testing.T) objectlambdatest.Option {
	opts, err := options()
	require.NoError(t, err)
	return objectlambdatest.WithHandler(opts...)
}

// photo is a w×h PNG with a gradient, so that resizing has work to do.
func photo(t *testing.T, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{R: uint8(x * 255 / w), G: uint8(y * 255 / h), B: 128, A: 255})
		}
	}
	var b bytes.Buffer
	require.NoError(t, png.Encode(&b, img))
	return b.Bytes()
}

func putPhoto(t *testing.T, ap *objectlambdatest.AccessPoint) {
	ap.PutObjectBytes(t, "photos/cat.png", photo(t, 640, 480), func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("image/png")
	})
}

func TestThumbnail(t *testing.T) {
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", handler(t))...)
	putPhoto(t, ap)
	ap.PutObject(t, "notes.txt", "not an image", func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })

	tests := []struct {
		name        string
		optFns      []func(*s3.Options)
		wantType    string
		wantW       int
		wantH       int
		decodeAsJPG bool
	}{
		{name: "payload default width", wantType: "image/png", wantW: 256, wantH: 192},
		{name: "?width=", optFns: []func(*s3.Options){extest.Query("width", "64")}, wantType: "image/png", wantW: 64, wantH: 48},
		{name: "?format=jpeg", optFns: []func(*s3.Options){extest.Query("width", "100"), extest.Query("format", "jpeg")},
			wantType: "image/jpeg", wantW: 100, wantH: 75, decodeAsJPG: true},
		{name: "Accept: image/jpeg", optFns: []func(*s3.Options){extest.Header("Accept", "image/jpeg")},
			wantType: "image/jpeg", wantW: 256, wantH: 192, decodeAsJPG: true},
		{name: "never upscaled", optFns: []func(*s3.Options){extest.Query("width", "1000")}, wantType: "image/png", wantW: 640, wantH: 480},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ap.Client(tt.optFns...).GetObject(context.Background(),
				&s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("photos/cat.png")})
			require.NoError(t, err)
			body := extest.Body(t, out.Body)
			assert.Equal(t, tt.wantType, aws.ToString(out.ContentType))
			assert.Equal(t, int64(len(body)), aws.ToInt64(out.ContentLength), "the encoded length is known up front")
			decode := png.DecodeConfig
			if tt.decodeAsJPG {
				decode = jpeg.DecodeConfig
			}
			cfg, err := decode(bytes.NewReader([]byte(body)))
			require.NoError(t, err)
			assert.Equal(t, [2]int{tt.wantW, tt.wantH}, [2]int{cfg.Width, cfg.Height})
		})
	}

	errs := []struct {
		name, key string
		optFns    []func(*s3.Options)
		status    int
		code      string
	}{
		{name: "width beyond the payload's maximum", key: "photos/cat.png", optFns: []func(*s3.Options){extest.Query("width", "5000")},
			status: http.StatusBadRequest, code: "InvalidArgument"},
		{name: "width not a number", key: "photos/cat.png", optFns: []func(*s3.Options){extest.Query("width", "big")},
			status: http.StatusBadRequest, code: "InvalidArgument"},
		{name: "unknown format", key: "photos/cat.png", optFns: []func(*s3.Options){extest.Query("format", "bmp")},
			status: http.StatusBadRequest, code: "InvalidArgument"},
		{name: "not an image", key: "notes.txt", status: http.StatusBadRequest, code: "UnsupportedMediaType"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ap.Client(tt.optFns...).GetObject(context.Background(),
				&s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)})
			status, code := extest.ErrorOf(t, err)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, code)
		})
	}
}

// TestBootstrapUnderRIE runs the program itself, built as a provided.al2023
// bootstrap, under AWS's Lambda Runtime Interface Emulator.
func TestBootstrapUnderRIE(t *testing.T) {
	bootstrap := objectlambdatest.BuildBootstrap(t, ".")
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithBootstrap(bootstrap))...)
	putPhoto(t, ap)
	out, err := ap.Client(extest.Query("width", "32"), extest.Query("format", "jpeg")).GetObject(context.Background(),
		&s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("photos/cat.png")})
	require.NoError(t, err)
	cfg, err := jpeg.DecodeConfig(bytes.NewReader([]byte(extest.Body(t, out.Body))))
	require.NoError(t, err)
	assert.Equal(t, [2]int{32, 24}, [2]int{cfg.Width, cfg.Height})
	require.Len(t, ap.WGORCalls(), 1)
}
