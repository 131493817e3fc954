package main

import (
	"context"
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

const export = "id,name,country,amount,ssn,internal_notes\n" +
	"1,Ana,PT,120.50,123-45-6789,vip\n" +
	"2,\"Bo, Jr.\",US,80.00,987-65-4321,\n"

const account = "111122223333"

// assumedRole is a caller using temporary credentials of role, as CloudTrail
// (and so the Object Lambda event) describes it.
func assumedRole(role, session string) objectlambdatest.Caller {
	return objectlambdatest.Caller{
		Type:     "AssumedRole",
		UserName: session,
		ARN:      "arn:aws:sts::" + account + ":assumed-role/" + role + "/" + session,
		SessionIssuer: &objectlambdatest.SessionIssuer{
			Type: "Role", AccountID: account, UserName: role,
			ARN: "arn:aws:iam::" + account + ":role/" + role, PrincipalID: "AROAEXAMPLE" + role,
		},
	}
}

func user(name string) objectlambdatest.Caller {
	return objectlambdatest.Caller{UserName: name, ARN: "arn:aws:iam::" + account + ":user/" + name}
}

func handler(t *testing.T) objectlambdatest.Option {
	opts, err := options()
	require.NoError(t, err)
	return objectlambdatest.WithHandler(opts...)
}

func TestCSVByRole(t *testing.T) {
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", handler(t))...)
	ap.PutObject(t, "exports/customers.csv", export, func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/csv") })

	tests := []struct {
		name    string
		caller  objectlambdatest.Caller
		columns string // ?columns=
		want    string
		status  int
		code    string
	}{
		{name: "analyst role sees every column but the dropped one", caller: assumedRole("analyst", "alice"),
			want: "id,name,country,amount,ssn\n1,Ana,PT,120.50,123-45-6789\n2,\"Bo, Jr.\",US,80.00,987-65-4321\n"},
		{name: "support role by wildcard", caller: assumedRole("support-eu", "bob"),
			want: "id,name,country\n1,Ana,PT\n2,\"Bo, Jr.\",US\n"},
		{name: "auditor user by principal ARN", caller: user("auditor"),
			want: "id,country,amount\n1,PT,120.50\n2,US,80.00\n"},
		{name: "support narrows with ?columns=", caller: assumedRole("support-eu", "bob"), columns: "id,country",
			want: "id,country\n1,PT\n2,US\n"},
		{name: "support asks for a hidden column", caller: assumedRole("support-eu", "bob"), columns: "id,ssn",
			status: http.StatusForbidden, code: "AccessDenied"},
		{name: "unlisted user", caller: user("intern"), status: http.StatusForbidden, code: "AccessDenied"},
		{name: "unlisted role", caller: assumedRole("marketing", "carol"), status: http.StatusForbidden, code: "AccessDenied"},
		{name: "session named like a role is not that role", caller: assumedRole("marketing", "analyst"),
			status: http.StatusForbidden, code: "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var optFns []func(*s3.Options)
			if tt.columns != "" {
				optFns = append(optFns, extest.Query("columns", tt.columns))
			}
			out, err := ap.ClientAs(tt.caller, optFns...).GetObject(context.Background(),
				&s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("exports/customers.csv")})
			if tt.code != "" {
				status, code := extest.ErrorOf(t, err)
				assert.Equal(t, tt.status, status)
				assert.Equal(t, tt.code, code)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, extest.Body(t, out.Body))
			assert.Equal(t, "text/csv", aws.ToString(out.ContentType))
		})
	}
}

func TestPayloadMustNameCallers(t *testing.T) {
	for _, payload := range []string{`{}`, `{"drop": ["ssn"]}`, `{"acces": {"default": ["id"]}}`} {
		t.Run(payload, func(t *testing.T) {
			ap := objectlambdatest.New(t, objectlambdatest.WithMemoryStore(), objectlambdatest.WithPayload(payload), handler(t))
			ap.PutObject(t, "a.csv", export)
			_, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("a.csv")})
			status, code := extest.ErrorOf(t, err)
			assert.Equal(t, http.StatusInternalServerError, status)
			assert.Equal(t, "InvalidPayload", code)
		})
	}
}

// TestBootstrapUnderRIE runs the program itself, built as a provided.al2023
// bootstrap, under AWS's Lambda Runtime Interface Emulator.
func TestBootstrapUnderRIE(t *testing.T) {
	bootstrap := objectlambdatest.BuildBootstrap(t, ".")
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithBootstrap(bootstrap))...)
	ap.PutObject(t, "exports/customers.csv", export)
	out, err := ap.ClientAs(assumedRole("support-us", "dana")).GetObject(context.Background(),
		&s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("exports/customers.csv")})
	require.NoError(t, err)
	assert.Equal(t, "id,name,country\n1,Ana,PT\n2,\"Bo, Jr.\",US\n", extest.Body(t, out.Body))
	_, err = ap.ClientAs(user("intern")).GetObject(context.Background(),
		&s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("exports/customers.csv")})
	status, code := extest.ErrorOf(t, err)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Equal(t, "AccessDenied", code)
	require.Len(t, ap.WGORCalls(), 2)
}
