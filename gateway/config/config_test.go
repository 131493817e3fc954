package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// valid is a complete configuration; the tests break it one way at a time.
const valid = `Region: eu-west-1
AccountId: "111122223333"
Listener:
  Address: 0.0.0.0:8443
  PublicURL: https://olap.example.com
  TLS:
    CertFile: /etc/gateway/tls.crt
    KeyFile: /etc/gateway/tls.key
  MaxHeaderBytes: 32768
  ReadHeaderTimeout: 5s
  IdleTimeout: 90s
Admin:
  Address: 0.0.0.0:9090
Shutdown:
  ReadinessDelay: 3s
  DrainTimeout: 70s
Log:
  Level: debug
Limits:
  MaxConcurrentInvocations: 50
Stores:
  - Name: primary
    Endpoint: http://127.0.0.1:7070
    UsePathStyle: true
    Credentials:
      AccessKeyId: AKIASTORE0000000000
      SecretAccessKey: {Env: STORE_SECRET}
  - Name: aws
    Region: us-east-2
Functions:
  - Name: redact
    InProcess: redact
  - Name: thumbs
    Lambda:
      FunctionName: arn:aws:lambda:eu-central-1:111122223333:function:thumbs
      Qualifier: live
      MaxConcurrency: 4
      Credentials:
        AccessKeyId: {File: /run/secrets/lambda-ak}
        SecretAccessKey: {File: /run/secrets/lambda-sk}
        SessionToken: {Env: LAMBDA_TOKEN}
  - Name: rie
    Lambda:
      FunctionName: function
      Endpoint: http://127.0.0.1:9000
Callers: {File: /etc/gateway/callers.yaml}
AccessPoints:
  - Name: reports-olap
    ObjectLambdaConfiguration:
      SupportingAccessPoint:
        Store: primary
        Bucket: reports
        Prefix: public/
      AllowedFeatures: [GetObject-Range, HeadObject-Range]
      CloudWatchMetricsEnabled: true
      TransformationConfigurations:
        - Actions: [GetObject, HeadObject]
          ContentTransformation:
            AwsLambda:
              FunctionArn: redact
              FunctionPayload: '{"mask":"fixed"}'
        - Actions: [ListObjectsV2]
          ContentTransformation:
            AwsLambda:
              FunctionArn: arn:aws:lambda:eu-central-1:111122223333:function:thumbs
    AllowedPrincipals:
      - arn:aws:iam::111122223333:role/analyst
      - arn:aws:iam::111122223333:user/ops-*
    AllowedActions: [Get*, s3-object-lambda:ListObjectsV2, PutObject*]
    MaxConcurrentInvocations: 7
  - Name: images
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: aws, Bucket: images.example}
      TransformationConfigurations:
        - Actions: [GetObject]
          ContentTransformation: {AwsLambda: {FunctionArn: rie}}
    AllowedPrincipals: ["*"]
`

func TestParseValid(t *testing.T) {
	c, err := Parse("gateway.yaml", []byte(valid))
	require.NoError(t, err)

	assert.Equal(t, "eu-west-1", c.Region)
	assert.Equal(t, "111122223333", c.AccountID)
	require.NotNil(t, c.Listener.TLS)
	assert.Equal(t, "/etc/gateway/tls.key", c.Listener.TLS.KeyFile)
	assert.Equal(t, 32768, c.Listener.MaxHeaderBytes)
	assert.Equal(t, 5*time.Second, c.Listener.ReadHeaderTimeout)
	assert.Equal(t, 90*time.Second, c.Listener.IdleTimeout)
	assert.True(t, *c.Listener.HTTP2, "HTTP/2 defaults to on")
	assert.Equal(t, 70*time.Second, c.Shutdown.DrainTimeout)

	primary, ok := c.Store("primary")
	require.True(t, ok)
	assert.Equal(t, "eu-west-1", primary.Region, "a store's region defaults to the gateway's")
	assert.Equal(t, "AKIASTORE0000000000", primary.Credentials.AccessKeyID.Value)
	assert.Equal(t, "STORE_SECRET", primary.Credentials.SecretAccessKey.Env)
	awsStore, _ := c.Store("aws")
	assert.Equal(t, "us-east-2", awsStore.Region)
	assert.Nil(t, awsStore.Credentials, "no credentials: the SDK's default chain")

	thumbs, ok := c.Function("thumbs")
	require.True(t, ok)
	assert.Equal(t, "eu-central-1", thumbs.Lambda.Region, "the region of an ARN FunctionName")
	rie, _ := c.Function("rie")
	assert.Equal(t, "eu-west-1", rie.Lambda.Region, "else the gateway's region")

	ap, ok := c.AccessPoint("reports-olap")
	require.True(t, ok)
	assert.Equal(t, 7, ap.MaxConcurrentInvocations)
	for op, want := range map[string]bool{
		"GetObject": true, "GetObjectTagging": true, "ListObjectsV2": true, "PutObject": true, "PutObjectTagging": true,
		"HeadObject":  true, // S3 asks GetObject of a HEAD
		"UploadPart":  true, // and PutObject of the multipart upload operations
		"ListObjects": false, "DeleteObject": false, "DeleteObjects": false, "AbortMultipartUpload": false,
	} {
		assert.Equal(t, want, ap.AllowsAction(op), "AllowedActions and %s", op)
	}
	assert.True(t, ap.AllowsFeature(FeatureGetObjectRange))
	assert.False(t, ap.AllowsFeature(FeatureGetObjectPartNumber))
	tests := []struct {
		action string
		want   Route
		routed bool
	}{
		{ActionGetObject, Route{Function: "redact", Payload: `{"mask":"fixed"}`}, true},
		{ActionHeadObject, Route{Function: "redact", Payload: `{"mask":"fixed"}`}, true},
		{ActionListObjectsV2, Route{Function: "thumbs"}, true}, // referenced by its ARN
		{ActionListObjects, Route{}, false},                    // not listed: to the store unchanged
	}
	for _, tt := range tests {
		r, ok := ap.Route(tt.action)
		assert.Equal(t, tt.routed, ok, tt.action)
		assert.Equal(t, tt.want, r, tt.action)
	}
	images, _ := c.AccessPoint("images")
	assert.Equal(t, 50, images.MaxConcurrentInvocations, "Limits is the default")
	_, ok = c.AccessPoint("nope")
	assert.False(t, ok)
	assert.Equal(t, "arn:aws:s3-object-lambda:eu-west-1:111122223333:accesspoint/images", c.AccessPointARN("images"))
	assert.Equal(t, "arn:aws:s3:eu-west-1:111122223333:accesspoint/images-supporting", c.SupportingAccessPointARN("images"))
}

func TestParseDefaults(t *testing.T) {
	doc := `Listener: {Address: "127.0.0.1:0"}
Stores: [{Name: s, Endpoint: "http://127.0.0.1:7070"}]
Functions: [{Name: f, InProcess: f}]
Callers: {Env: CALLERS}
AccessPoints:
  - Name: olap
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: s, Bucket: bkt}
      TransformationConfigurations: [{Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: f}}}]
    AllowedPrincipals: ["*"]
`
	c, err := Parse("", []byte(doc))
	require.NoError(t, err)
	assert.Equal(t, DefaultRegion, c.Region)
	assert.Equal(t, DefaultAccountID, c.AccountID)
	assert.Equal(t, DefaultAdminAddress, c.Admin.Address)
	assert.Equal(t, DefaultMaxHeaderBytes, c.Listener.MaxHeaderBytes)
	assert.Equal(t, DefaultReadHeaderTimeout, c.Listener.ReadHeaderTimeout)
	assert.Equal(t, DefaultIdleTimeout, c.Listener.IdleTimeout)
	assert.Equal(t, DefaultReadinessDelay, c.Shutdown.ReadinessDelay)
	assert.Equal(t, DefaultDrainTimeout, c.Shutdown.DrainTimeout)
	assert.Equal(t, DefaultLogLevel, c.Log.Level)
	assert.Equal(t, DefaultMaxConcurrentInvocations, c.AccessPoints[0].MaxConcurrentInvocations)
	assert.Equal(t, DefaultAllowedActions(), c.AccessPoints[0].AllowedActions)
	ap := &c.AccessPoints[0]
	for op, want := range map[string]bool{
		"GetObject": true, "HeadObject": true, "ListObjectsV2": true, "ListObjects": true, "GetBucketLocation": true,
		"GetObjectTagging": true, "ListParts": true, "HeadBucket": true,
		"PutObject": false, "DeleteObject": false, "DeleteObjects": false, "CreateMultipartUpload": false,
		"UploadPart": false, "CompleteMultipartUpload": false, "AbortMultipartUpload": false,
		"PutObjectTagging": false, "PutObjectAcl": false, "DeleteObjectTagging": false, "RestoreObject": false,
	} {
		assert.Equal(t, want, ap.AllowsAction(op), "by default, reading only: %s", op)
	}
	assert.Nil(t, c.Listener.TLS)
}

// TestAllowsActionAsIAM: a pattern admits an operation by its name or by
// the IAM action S3 asks for it, as an IAM policy would.
func TestAllowsActionAsIAM(t *testing.T) {
	tests := []struct {
		allowed []string
		yes, no []string
	}{
		{[]string{"GetObject"}, []string{"GetObject", "HeadObject"}, []string{"GetObjectTagging", "ListObjectsV2", "PutObject"}},
		{[]string{"s3-object-lambda:PutObject"}, []string{"PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"}, []string{"AbortMultipartUpload", "PutObjectTagging", "GetObject"}},
		{[]string{"DeleteObject"}, []string{"DeleteObject", "DeleteObjects"}, []string{"DeleteObjectTagging"}},
		{[]string{"ListBucket"}, []string{"ListObjects", "ListObjectsV2", "HeadBucket"}, []string{"ListObjectVersions", "ListParts", "GetObject"}},
		{[]string{"ListObjectsV2"}, []string{"ListObjectsV2"}, []string{"ListObjects"}},
		{[]string{"*"}, []string{"GetObject", "PutObject", "DeleteObjects", "RestoreObject"}, nil},
		{nil, nil, []string{"GetObject"}},
	}
	for _, tt := range tests {
		ap := &AccessPoint{AllowedActions: tt.allowed}
		for _, op := range tt.yes {
			assert.True(t, ap.AllowsAction(op), "%v admits %s", tt.allowed, op)
		}
		for _, op := range tt.no {
			assert.False(t, ap.AllowsAction(op), "%v refuses %s", tt.allowed, op)
		}
	}
}

// TestParseErrors breaks the valid document one way at a time: each error
// names the line and the path, and says what to do.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		old, new  string // replace old with new in valid
		at        string // text at the start of the line the problem names ("" for none)
		path, msg string
	}{
		{name: "unknown top-level field", old: "Region: eu-west-1", new: "Region: eu-west-1\nRegoin: x", at: "Regoin", msg: "field Regoin not found"},
		{name: "unknown nested field", old: "      CloudWatchMetricsEnabled: true", new: "      CloudWatchMetricsEnabled: true\n      Policy: x", at: "Policy: x", msg: "field Policy not found"},
		{name: "wrong type", old: "MaxHeaderBytes: 32768", new: "MaxHeaderBytes: lots", at: "MaxHeaderBytes", msg: "cannot unmarshal !!str into int"},
		{name: "duplicate key", old: "Log:\n  Level: debug", new: "Log:\n  Level: debug\n  Level: info", at: "  Level: info", msg: `"Level" already defined`},
		{name: "inline secret", old: "SecretAccessKey: {Env: STORE_SECRET}", new: "SecretAccessKey: hunter2hunter2", at: "SecretAccessKey: hunter2", msg: "an inline secret is not allowed"},
		{name: "secret ref with both", old: "SecretAccessKey: {Env: STORE_SECRET}", new: "SecretAccessKey: {Env: A, File: /b}", at: "SecretAccessKey: {Env: A", path: "Stores[0].Credentials.SecretAccessKey", msg: "not both"},
		{name: "secret ref unknown key", old: "SecretAccessKey: {Env: STORE_SECRET}", new: "SecretAccessKey: {Value: x}", at: "SecretAccessKey: {Value", msg: "field Value not found"},
		{name: "secret ref bad env name", old: "SecretAccessKey: {Env: STORE_SECRET}", new: "SecretAccessKey: {Env: 1BAD}", at: "SecretAccessKey: {Env: 1BAD", path: "Stores[0].Credentials.SecretAccessKey", msg: "environment variable name"},
		{name: "missing secret", old: "      SecretAccessKey: {Env: STORE_SECRET}\n", new: "", at: "    Credentials:\n      AccessKeyId: AKIASTORE", path: "Stores[0].Credentials.SecretAccessKey", msg: "required"},
		{name: "bad region", old: "Region: eu-west-1", new: "Region: EU West", at: "Region: EU West", path: "Region", msg: "not a region name"},
		{name: "bad account", old: `AccountId: "111122223333"`, new: "AccountId: 1234", at: "AccountId: 1234", path: "AccountId", msg: "12 digits"},
		{name: "bad address", old: "Address: 0.0.0.0:8443", new: "Address: localhost", at: "Address: localhost", path: "Listener.Address", msg: "host:port"},
		{name: "bad port", old: "Address: 0.0.0.0:8443", new: "Address: 0.0.0.0:99999", at: "Address: 0.0.0.0:99999", path: "Listener.Address", msg: "port"},
		{name: "admin on the listener's address", old: "Address: 0.0.0.0:9090", new: "Address: 0.0.0.0:8443", at: "  Address: 0.0.0.0:8443\nShutdown:", path: "Admin.Address", msg: "must differ"},
		{name: "public URL with a path", old: "PublicURL: https://olap.example.com", new: "PublicURL: https://olap.example.com/x?y", at: "PublicURL", path: "Listener.PublicURL", msg: "without path"},
		{name: "public URL with credentials", old: "PublicURL: https://olap.example.com", new: "PublicURL: https://u:p@olap.example.com", at: "PublicURL", path: "Listener.PublicURL", msg: "credentials"},
		{name: "TLS without key", old: "    KeyFile: /etc/gateway/tls.key\n", new: "", at: "  TLS:", path: "Listener.TLS.KeyFile", msg: "required"},
		{name: "header limit too small", old: "MaxHeaderBytes: 32768", new: "MaxHeaderBytes: 100", at: "MaxHeaderBytes", path: "Listener.MaxHeaderBytes", msg: "between"},
		{name: "negative timeout", old: "IdleTimeout: 90s", new: "IdleTimeout: -1s", at: "IdleTimeout", path: "Listener.IdleTimeout", msg: "negative"},
		{name: "log level", old: "Level: debug", new: "Level: loud", at: "Level: loud", path: "Log.Level", msg: "debug, info, warn, error"},
		{name: "limit", old: "MaxConcurrentInvocations: 50", new: "MaxConcurrentInvocations: -2", at: "MaxConcurrentInvocations: -2", path: "Limits.MaxConcurrentInvocations", msg: "at least 1"},
		{name: "store name twice", old: "Name: aws", new: "Name: primary", at: "  - Name: primary\n    Region: us-east-2", path: "Stores[1].Name", msg: "defined twice"},
		{name: "store endpoint", old: "Endpoint: http://127.0.0.1:7070", new: "Endpoint: ftp://x", at: "ftp://x", path: "Stores[0].Endpoint", msg: "http://"},
		{name: "function both ways", old: "    InProcess: redact", new: "    InProcess: redact\n    Lambda: {FunctionName: f}", at: "  - Name: redact", path: "Functions[0]", msg: "not both"},
		{name: "function neither way", old: "    InProcess: redact\n", new: "", at: "  - Name: redact", path: "Functions[0]", msg: "give InProcess"},
		{name: "lambda ARN of another service", old: "arn:aws:lambda:eu-central-1:111122223333:function:thumbs\n      Qualifier", new: "arn:aws:s3:::bucket\n      Qualifier", at: "arn:aws:s3:::bucket", path: "Functions[1].Lambda.FunctionName", msg: "Lambda function's"},
		{name: "lambda endpoint", old: "Endpoint: http://127.0.0.1:9000", new: "Endpoint: 127.0.0.1:9000", at: "Endpoint: 127.0.0.1:9000", path: "Functions[2].Lambda.Endpoint", msg: "not a URL"},
		{name: "no callers", old: "Callers: {File: /etc/gateway/callers.yaml}\n", new: "", at: "Region: eu-west-1", path: "Callers", msg: "required"},
		{name: "access point name", old: "Name: reports-olap", new: "Name: Reports_OLAP", at: "Reports_OLAP", path: "AccessPoints[0].Name", msg: "3-45 lower-case"},
		{name: "access point twice", old: "Name: images", new: "Name: reports-olap", at: "  - Name: reports-olap\n    ObjectLambdaConfiguration:\n      SupportingAccessPoint: {Store: aws", path: "AccessPoints[1].Name", msg: "defined twice"},
		{name: "unknown store", old: "Store: primary", new: "Store: secondary", at: "Store: secondary", path: "AccessPoints[0].ObjectLambdaConfiguration.SupportingAccessPoint.Store", msg: "no store is named secondary"},
		{name: "bad bucket", old: "Bucket: reports", new: "Bucket: Reports!", at: "Bucket: Reports!", path: "AccessPoints[0].ObjectLambdaConfiguration.SupportingAccessPoint.Bucket", msg: "not a bucket name"},
		{name: "prefix with slash", old: "Prefix: public/", new: "Prefix: /public/", at: "Prefix: /public/", path: "AccessPoints[0].ObjectLambdaConfiguration.SupportingAccessPoint.Prefix", msg: "must not start"},
		{name: "unknown feature", old: "[GetObject-Range, HeadObject-Range]", new: "[GetObject-Range, PutObject-Range]", at: "AllowedFeatures: [GetObject-Range, PutObject", path: "AccessPoints[0].ObjectLambdaConfiguration.AllowedFeatures[1]", msg: "must be one of"},
		{name: "unknown action", old: "[GetObject, HeadObject]", new: "[GetObject, PutObject]", at: "PutObject]", path: "AccessPoints[0].ObjectLambdaConfiguration.TransformationConfigurations[0].Actions[1]", msg: "must be one of"},
		{name: "action routed twice", old: "[ListObjectsV2]", new: "[GetObject]", at: "  - Actions: [GetObject]\n          ContentTransformation:\n            AwsLambda:\n              FunctionArn: arn", path: "AccessPoints[0].ObjectLambdaConfiguration.TransformationConfigurations[1].Actions[0]", msg: "routed twice"},
		{name: "unknown function", old: "FunctionArn: redact", new: "FunctionArn: redcat", at: "FunctionArn: redcat", path: "AccessPoints[0].ObjectLambdaConfiguration.TransformationConfigurations[0].ContentTransformation.AwsLambda.FunctionArn", msg: "no function is named redcat"},
		{name: "no transformations", old: "      TransformationConfigurations:\n        - Actions: [GetObject]\n          ContentTransformation: {AwsLambda: {FunctionArn: rie}}\n", new: "", at: "    ObjectLambdaConfiguration:\n      SupportingAccessPoint: {Store: aws", path: "AccessPoints[1].ObjectLambdaConfiguration.TransformationConfigurations", msg: "at least one"},
		{name: "deny by default: no principals", old: `    AllowedPrincipals: ["*"]`, new: "", at: "  - Name: images", path: "AccessPoints[1].AllowedPrincipals", msg: "nobody may call"},
		{name: "misspelt allowed action", old: "[Get*, s3-object-lambda:ListObjectsV2, PutObject*]", new: "[Get*, PutObjct]", at: "AllowedActions: [Get*, PutObjct]", path: "AccessPoints[0].AllowedActions[1]", msg: "matches no operation"},
		{name: "allowed action of another service", old: "[Get*, s3-object-lambda:ListObjectsV2, PutObject*]", new: "[s3:GetObject]", at: "AllowedActions: [s3:GetObject]", path: "AccessPoints[0].AllowedActions[0]", msg: "matches no operation"},
		{name: "allowed action the access point refuses", old: "[Get*, s3-object-lambda:ListObjectsV2, PutObject*]", new: "[CopyObject]", at: "AllowedActions: [CopyObject]", path: "AccessPoints[0].AllowedActions[0]", msg: "matches no operation"},
		{name: "principal not an ARN", old: "- arn:aws:iam::111122223333:role/analyst", new: "- analyst", at: "- analyst", path: "AccessPoints[0].AllowedPrincipals[0]", msg: "ARN pattern"},
		{name: "second document", old: "Region: eu-west-1", new: "Region: eu-west-1\n---\nRegion: x\n---", at: "---\nRegion: x", msg: "more than one YAML document"},
		{name: "not a mapping", old: valid, new: "- a\n- b\n", at: "- a", msg: "must be a mapping"},
		{name: "empty", old: valid, new: "", msg: "empty"},
		{name: "syntax", old: "Region: eu-west-1", new: "Region: [eu-west-1", at: "Region: [", msg: "did not find expected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(valid, tt.old, tt.new, 1)
			require.NotEqual(t, valid, doc, "the test must change the document")
			_, err := Parse("gateway.yaml", []byte(doc))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrInvalid)
			var ce *Error
			require.True(t, errors.As(err, &ce))
			require.NotEmpty(t, ce.Problems)
			p := findProblem(ce.Problems, tt.msg)
			require.NotNil(t, p, "no problem says %q in:\n%v", tt.msg, err)
			assert.Equal(t, lineAt(t, doc, tt.at), p.Line, "line of %v", p)
			if tt.path != "" {
				assert.Equal(t, tt.path, p.Path)
			}
			assert.True(t, strings.HasPrefix(err.Error(), "gateway.yaml: "), "errors name the file: %v", err)
		})
	}
}

// lineAt is the 1-based line where text starts in doc; 0 for "".
func lineAt(t *testing.T, doc, text string) int {
	t.Helper()
	if text == "" {
		return 0
	}
	i := strings.Index(doc, text)
	require.GreaterOrEqual(t, i, 0, "%q is not in the document", text)
	require.Equal(t, i, strings.LastIndex(doc, text), "%q is in the document twice", text)
	return strings.Count(doc[:i], "\n") + 1
}

func findProblem(ps []Problem, msg string) *Problem {
	for i := range ps {
		if strings.Contains(ps[i].Msg, msg) {
			return &ps[i]
		}
	}
	return nil
}

func TestParseReportsEveryProblem(t *testing.T) {
	doc := strings.NewReplacer("Region: eu-west-1", "Region: EU", "Level: debug", "Level: loud", "Store: primary", "Store: nope").Replace(valid)
	_, err := Parse("g.yaml", []byte(doc))
	var ce *Error
	require.ErrorAs(t, err, &ce)
	assert.Len(t, ce.Problems, 3, "%v", err)
}

// TestErrorsNeverQuoteValues: whatever was written where, an error shows
// no value of the document (a misplaced secret stays unseen).
func TestErrorsNeverQuoteValues(t *testing.T) {
	const secret = "wJalrXUtnFEMIK7MDENG"
	tests := map[string]string{
		"inline secret":           strings.Replace(valid, "{Env: STORE_SECRET}", secret, 1),
		"secret in an int field":  strings.Replace(valid, "MaxHeaderBytes: 32768", "MaxHeaderBytes: "+secret, 1),
		"secret as a credentials": strings.Replace(valid, "    Credentials:\n      AccessKeyId: AKIASTORE0000000000\n      SecretAccessKey: {Env: STORE_SECRET}", "    Credentials: "+secret, 1),
		"secret as a ref field":   strings.Replace(valid, "{Env: STORE_SECRET}", "{Env: ["+secret+"]}", 1),
		"short secret in an int":  strings.Replace(valid, "MaxHeaderBytes: 32768", "MaxHeaderBytes: wJalrXU", 1),
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, valid, doc)
			_, err := Parse("g.yaml", []byte(doc))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "wJalrXU")
		})
	}
}

func TestValidateBuiltInGo(t *testing.T) {
	c := &Config{
		Listener:  Listener{Address: "127.0.0.1:0"},
		Stores:    []Store{{Name: "s"}},
		Functions: []Function{{Name: "f", InProcess: "f"}},
		Callers:   SecretRef{Env: "CALLERS"},
		AccessPoints: []AccessPoint{{
			Name: "olap",
			ObjectLambdaConfiguration: ObjectLambdaConfiguration{
				SupportingAccessPoint: SupportingAccessPoint{Store: "s", Bucket: "bkt"},
				TransformationConfigurations: []TransformationConfiguration{{
					Actions: []string{ActionGetObject}, ContentTransformation: ContentTransformation{AWSLambda: AWSLambda{FunctionArn: "f"}},
				}},
			},
			AllowedPrincipals: []string{"*"},
		}},
	}
	require.NoError(t, c.Validate())
	r, ok := c.AccessPoints[0].Route(ActionGetObject)
	assert.True(t, ok)
	assert.Equal(t, "f", r.Function)

	c.AccessPoints[0].AllowedPrincipals = nil
	err := c.Validate()
	var ce *Error
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "AccessPoints[0].AllowedPrincipals", ce.Problems[0].Path)
	assert.Zero(t, ce.Problems[0].Line, "no document, no line")
}

func TestLoadResolvesRelativePaths(t *testing.T) {
	dir := t.TempDir()
	doc := strings.NewReplacer(
		"/etc/gateway/callers.yaml", "callers.yaml",
		"/etc/gateway/tls.crt", "tls/cert.pem",
		"/run/secrets/lambda-sk", "../elsewhere/sk",
	).Replace(valid)
	path := filepath.Join(dir, "gateway.yaml")
	require.NoError(t, os.WriteFile(path, []byte(doc), 0o600))
	c, err := Load(path)
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(dir, "callers.yaml"), c.Callers.File)
	assert.Equal(t, filepath.Join(dir, "tls", "cert.pem"), c.Listener.TLS.CertFile)
	assert.Equal(t, "/etc/gateway/tls.key", c.Listener.TLS.KeyFile, "absolute names stay")
	f, _ := c.Function("thumbs")
	assert.Equal(t, filepath.Join(filepath.Dir(dir), "elsewhere", "sk"), f.Lambda.Credentials.SecretAccessKey.File)

	_, err = Load(filepath.Join(dir, "missing.yaml"))
	assert.ErrorIs(t, err, os.ErrNotExist)

	big := filepath.Join(dir, "big.yaml")
	require.NoError(t, os.WriteFile(big, make([]byte, MaxSize+1), 0o600))
	_, err = Load(big)
	assert.ErrorIs(t, err, ErrInvalid)
}

// TestExampleConfig keeps examples/gateway valid.
func TestExampleConfig(t *testing.T) {
	c, err := Load("../../examples/gateway/gateway.yaml")
	require.NoError(t, err)
	cs, err := c.LoadCallers(Source{})
	require.NoError(t, err)
	ap, ok := c.AccessPoint("redacted")
	require.True(t, ok)
	_, routed := ap.Route(ActionGetObject)
	assert.True(t, routed)
	_, routed = ap.Route(ActionHeadObject)
	assert.False(t, routed, "HEAD goes to the store unchanged")
	analyst, ok := cs.Lookup("AKIAEXAMPLEANALYST01")
	require.True(t, ok)
	assert.True(t, ap.Allows(analyst))
}

func TestSplitPathAndLineOf(t *testing.T) {
	assert.Equal(t, []string{"A", "0", "B", "12", "3"}, splitPath("A[0].B[12][3]"))
	assert.Empty(t, splitPath(""))
	root, err := parseNode("x", []byte("A:\n  - B: 1\n  - B: 2\n    C: [x, y]\n"))
	require.NoError(t, err)
	assert.Equal(t, 3, lineOf(root, "A[1]"))
	assert.Equal(t, 4, lineOf(root, "A[1].C[1]"))
	assert.Equal(t, 3, lineOf(root, "A[1].D"), "a missing field: its parent's line")
	assert.Equal(t, 1, lineOf(root, "Z"))
}
