package samtemplate

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tpl = `
Transform: AWS::Serverless-2016-10-31
Parameters:
  Role:
    Type: String
    Default: reader
  Bucket:
    Type: String
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Timeout: 60
      Architectures: [arm64]
      Policies:
        - Statement:
            - Effect: Allow
              Action: [a:One, a:Two]
              Resource: !Ref Key
  AP:
    Type: AWS::S3::AccessPoint
    Properties:
      Bucket: !Ref Bucket
  OLAP:
    Type: AWS::S3ObjectLambda::AccessPoint
    Properties:
      ObjectLambdaConfiguration:
        AllowedFeatures: [GetObject-Range]
        TransformationConfigurations:
          - Actions: [GetObject]
            ContentTransformation:
              AwsLambda:
                FunctionArn: !GetAtt Fn.Arn
                FunctionPayload: !Sub '{"r": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${Role}"}'
`

func TestParse(t *testing.T) {
	tp, err := Parse([]byte(tpl))
	require.NoError(t, err)

	id, fn, err := tp.Function()
	require.NoError(t, err)
	assert.Equal(t, "Fn", id)
	assert.Equal(t, 60, fn["Timeout"])
	assert.Equal(t, []string{"arm64"}, Strings(fn["Architectures"]))
	assert.Equal(t, []string{"AP"}, tp.Resources(TypeAccessPoint))
	assert.Equal(t, map[string]any{"Ref": "Bucket"}, tp.Properties("AP")["Bucket"])

	sts, err := tp.Statements()
	require.NoError(t, err)
	require.Len(t, sts, 1)
	assert.Equal(t, Statement{Effect: "Allow", Actions: []string{"a:One", "a:Two"}, Resources: []any{map[string]any{"Ref": "Key"}}}, sts[0])

	features, err := tp.AllowedFeatures()
	require.NoError(t, err)
	assert.Equal(t, []string{"GetObject-Range"}, features)
	actions, lambda, err := tp.Transformation()
	require.NoError(t, err)
	assert.Equal(t, []string{"GetObject"}, actions)
	assert.Equal(t, map[string]any{"Fn::GetAtt": []string{"Fn", "Arn"}}, lambda["FunctionArn"])

	payload, err := tp.Payload()
	require.NoError(t, err)
	assert.Equal(t, `{"r": "arn:aws:iam::111122223333:role/reader"}`, payload)

	opts, err := tp.AccessPointOptions()
	require.NoError(t, err)
	assert.Len(t, opts, 3, "AllowedFeatures, Actions and FunctionPayload")
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc string
	}{
		{name: "not YAML", doc: "a: [b"},
		{name: "not a mapping", doc: "- a\n- b\n"},
		{name: "duplicate key", doc: "a: 1\na: 2\n"},
		{name: "unknown tag", doc: "a: !Bogus x\n"},
		{name: "empty", doc: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.doc))
			require.Error(t, err)
			assert.True(t, errors.Is(err, ErrTemplate), "%v wraps ErrTemplate", err)
		})
	}
}

func TestSubNeedsValues(t *testing.T) {
	tp, err := Parse([]byte(tpl))
	require.NoError(t, err)
	_, err = tp.Sub("${Bucket}-${Missing}")
	require.ErrorIs(t, err, ErrTemplate)
	assert.Contains(t, err.Error(), "Bucket, Missing")
	got, err := tp.Sub("${AWS::Region}/${Role}/${!Literal}")
	require.NoError(t, err)
	assert.Equal(t, "us-east-1/reader/${!Literal}", got)
}

func TestStructureErrors(t *testing.T) {
	tp, err := Parse([]byte("Resources: {}\n"))
	require.NoError(t, err)
	_, _, err = tp.Function()
	assert.ErrorIs(t, err, ErrTemplate)
	_, err = tp.AllowedFeatures()
	assert.ErrorIs(t, err, ErrTemplate)
	_, err = tp.Payload()
	assert.ErrorIs(t, err, ErrTemplate)
}

// A template's FunctionPayload, with its !Sub resolved, is what the local
// access point hands the function.
func ExampleTemplate_Payload() {
	tp, err := Parse([]byte(tpl))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := tp.Payload()
	fmt.Println(p, err)
	// Output: {"r": "arn:aws:iam::111122223333:role/reader"} <nil>
}
