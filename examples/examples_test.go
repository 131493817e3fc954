// Tests over every example: the SAM templates deploy what the functions
// support, with least privilege, and every example has its parts.
package examples_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/objectlambda/sdk-go/examples/internal/samtemplate"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	wgor        = "s3-object-lambda:WriteGetObjectResponse"
	kmsDecrypt  = "kms:Decrypt"
	getRange    = "GetObject-Range"
	getPart     = "GetObject-PartNumber"
	headRange   = "HeadObject-Range"
	headPart    = "HeadObject-PartNumber"
	opGet       = "GetObject"
	opHead      = "HeadObject"
	opList      = "ListObjects"
	opListV2    = "ListObjectsV2"
	wantRuntime = "provided.al2023"
)

// example is what each function supports, as its code and tests show; the
// template must deploy exactly that. Range features are listed only where
// the example's test exercises ranges; HeadObject only where HEAD is
// answered through the function; KMS only where the function decrypts.
type example struct {
	features []string
	actions  []string
	kms      []string
	// optional are actions granted by a separate policy that only exists
	// under a template Condition, for an integration the deployer chooses
	// (observability: the ADOT collector's export to X-Ray).
	optional []string
}

func examples() map[string]example {
	return map[string]example{
		"passthrough":    {features: []string{getRange, getPart, headRange, headPart}, actions: []string{opGet, opHead}},
		"redact-pii":     {features: []string{getRange}, actions: []string{opGet}},
		"decompress":     {features: []string{getRange}, actions: []string{opGet}},
		"csv-by-role":    {features: nil, actions: []string{opGet}},
		"thumbnail":      {features: nil, actions: []string{opGet}},
		"decrypt-cse":    {features: []string{getRange}, actions: []string{opGet, opHead}, kms: []string{kmsDecrypt}},
		"tenant-listing": {features: []string{getRange, getPart, headRange, headPart}, actions: []string{opGet, opHead, opList, opListV2}},
		"observability":  {features: []string{getRange}, actions: []string{opGet}, optional: []string{"xray:PutTelemetryRecords", "xray:PutTraceSegments"}},
	}
}

// TestEveryDirectoryIsListed keeps the table above complete.
func TestEveryDirectoryIsListed(t *testing.T) {
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var dirs []string
	for _, e := range entries {
		// gateway holds a configuration of cmd/objectlambda-gateway, not a function.
		if e.IsDir() && e.Name() != "internal" && e.Name() != "testdata" && e.Name() != "gateway" {
			dirs = append(dirs, e.Name())
		}
	}
	var names []string
	for n := range examples() {
		names = append(names, n)
	}
	slices.Sort(names)
	assert.Equal(t, names, dirs)
}

func TestExampleParts(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for name, ex := range examples() {
		t.Run(name, func(t *testing.T) {
			for _, f := range []string{"main.go", "main_test.go", "template.yaml", "README.md"} {
				assert.FileExists(t, filepath.Join(name, f))
			}
			b, err := os.ReadFile(filepath.Join(name, "README.md"))
			require.NoError(t, err)
			assert.Contains(t, string(b), "aws s3api ", "the README shows a call")
			assert.Contains(t, string(b), "-tags lambda.norpc", "the README shows the build")
			assert.Contains(t, string(readme), "["+name+"]", "examples/README.md lists it")
			// What the template enables, the example's end-to-end test uses.
			test, err := os.ReadFile(filepath.Join(name, "main_test.go"))
			require.NoError(t, err)
			exercised := map[string]*regexp.Regexp{
				getRange:            regexp.MustCompile(`Range\s*[:=]\s*aws\.String\(`),
				getPart:             regexp.MustCompile(`PartNumber\s*[:=]\s*aws\.Int32\(`),
				headRange:           regexp.MustCompile(`HeadObjectInput\{[^}\n]*Range: aws\.String\(`),
				headPart:            regexp.MustCompile(`HeadObjectInput\{[^}\n]*PartNumber: aws\.Int32\(`),
				opHead:              regexp.MustCompile(`\.HeadObject\(`),
				opList:              regexp.MustCompile(`\.ListObjects\(`),
				opListV2:            regexp.MustCompile(`\.ListObjectsV2\(`),
				"a bootstrap build": regexp.MustCompile(`objectlambdatest\.BuildBootstrap\(t, "\."\)`),
			}
			uses := append(append([]string{"a bootstrap build"}, ex.features...), ex.actions...)
			for _, feature := range uses {
				if re, ok := exercised[feature]; ok {
					assert.Regexp(t, re, string(test), "%s is enabled, so main_test.go exercises it", feature)
				}
			}
			main, err := os.ReadFile(filepath.Join(name, "main.go"))
			require.NoError(t, err)
			assert.Contains(t, string(main), "objectlambda.Start(")
			assert.NotContains(t, string(main), "examples/internal", "an example imports only public packages")
		})
	}
}

func TestTemplates(t *testing.T) {
	for name, ex := range examples() {
		t.Run(name, func(t *testing.T) {
			tpl, err := samtemplate.Load(filepath.Join(name, "template.yaml"))
			require.NoError(t, err)
			assert.Equal(t, "AWS::Serverless-2016-10-31", tpl.Root["Transform"])

			fnID, fn, err := tpl.Function()
			require.NoError(t, err)
			assert.Equal(t, wantRuntime, fn["Runtime"])
			assert.Equal(t, "bootstrap", fn["Handler"])
			assert.Equal(t, []string{"arm64"}, samtemplate.Strings(fn["Architectures"]))
			assert.Equal(t, ".", fn["CodeUri"])
			timeout, ok := fn["Timeout"].(int)
			assert.True(t, ok && timeout > 0 && timeout <= 60, "Timeout %v: Object Lambda gives a GetObject 60 s", fn["Timeout"])

			// Least privilege: WGOR, and kms:Decrypt on the configured key
			// only where the example decrypts. Never S3 read permissions:
			// the function reads through the presigned URL.
			stmts, err := tpl.Statements()
			require.NoError(t, err)
			var actions []string
			for _, st := range stmts {
				assert.Equal(t, "Allow", st.Effect)
				for _, a := range st.Actions {
					actions = append(actions, a)
					assert.NotContains(t, a, "*", "no wildcard actions")
					if strings.HasPrefix(a, "kms:") {
						assert.Equal(t, []any{map[string]any{"Ref": "KmsKeyArn"}}, st.Resources, "KMS only on the configured key")
					}
				}
			}
			slices.Sort(actions)
			want := append([]string{wgor}, ex.kms...)
			slices.Sort(want)
			assert.Equal(t, want, actions)

			// Other policies: only under a condition, only the listed actions.
			var optional []string
			for _, id := range tpl.Resources("AWS::IAM::Policy") {
				res, _ := tpl.Root["Resources"].(map[string]any)[id].(map[string]any)
				assert.NotEmpty(t, res["Condition"], "%s exists only when its integration is chosen", id)
				doc, _ := tpl.Properties(id)["PolicyDocument"].(map[string]any)
				sts, _ := doc["Statement"].([]any)
				for _, st := range sts {
					optional = append(optional, samtemplate.Strings(st.(map[string]any)["Action"])...)
				}
			}
			slices.Sort(optional)
			assert.Equal(t, ex.optional, optional, "actions of conditional policies")

			aps := tpl.Resources(samtemplate.TypeAccessPoint)
			require.Len(t, aps, 1, "one supporting access point")
			assert.Equal(t, map[string]any{"Ref": "BucketName"}, tpl.Properties(aps[0])["Bucket"])
			olc, err := tpl.ObjectLambdaConfiguration()
			require.NoError(t, err)
			assert.Contains(t, olc["SupportingAccessPoint"], "Fn::Sub")
			assert.Contains(t, olc["SupportingAccessPoint"].(map[string]any)["Fn::Sub"], "${"+aps[0]+"}")

			features, err := tpl.AllowedFeatures()
			require.NoError(t, err)
			assert.ElementsMatch(t, ex.features, features, "AllowedFeatures")
			if _, ok := olc["AllowedFeatures"]; !ok {
				t.Error("AllowedFeatures must be explicit, even when empty")
			}

			ops, lambda, err := tpl.Transformation()
			require.NoError(t, err)
			assert.ElementsMatch(t, ex.actions, ops, "TransformationConfigurations Actions")
			assert.Equal(t, map[string]any{"Fn::GetAtt": []string{fnID, "Arn"}}, lambda["FunctionArn"])
			payload, err := tpl.Payload()
			require.NoError(t, err)
			require.NotEmpty(t, payload, "a FunctionPayload")
			assert.True(t, json.Valid([]byte(payload)), "the payload is JSON: %s", payload)
		})
	}
}
