package samtemplate

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ErrTemplate is wrapped by every error about a template's content.
var ErrTemplate = errors.New("samtemplate: invalid template")

// Resource types the examples use.
const (
	TypeFunction           = "AWS::Serverless::Function"
	TypeAccessPoint        = "AWS::S3::AccessPoint"
	TypeObjectLambdaAccess = "AWS::S3ObjectLambda::AccessPoint"
)

// Template is a decoded template: plain Go values (map[string]any, []any,
// string, bool, int, float64) with short tags turned into their long form.
type Template struct {
	Root map[string]any
}

// Statement is one statement of a function's inline policies.
type Statement struct {
	Effect    string
	Actions   []string
	Resources []any
}

// Load reads and decodes the template at path.
func Load(path string) (*Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse decodes a template.
func Parse(b []byte) (*Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrTemplate, err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, fmt.Errorf("%w: not one YAML document", ErrTemplate)
	}
	v, err := decode(doc.Content[0])
	if err != nil {
		return nil, err
	}
	root, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%w: the document is not a mapping", ErrTemplate)
	}
	return &Template{Root: root}, nil
}

// longForm maps CloudFormation's short tags to their intrinsic function names.
var longForm = map[string]string{
	"!Ref": "Ref", "!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!Join": "Fn::Join",
	"!If": "Fn::If", "!Equals": "Fn::Equals", "!Not": "Fn::Not", "!Select": "Fn::Select",
	"!Split": "Fn::Split", "!ImportValue": "Fn::ImportValue", "!FindInMap": "Fn::FindInMap",
}

func decode(n *yaml.Node) (any, error) {
	var v any
	switch n.Kind {
	case yaml.AliasNode:
		return decode(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if _, dup := m[k]; dup {
				return nil, fmt.Errorf("%w: line %d: duplicate key %q", ErrTemplate, n.Content[i].Line, k)
			}
			val, err := decode(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[k] = val
		}
		v = m
	case yaml.SequenceNode:
		s := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			val, err := decode(c)
			if err != nil {
				return nil, err
			}
			s = append(s, val)
		}
		v = s
	case yaml.ScalarNode:
		if custom(n.Tag) {
			v = n.Value // !Ref Name, !Sub "..."
		} else if err := n.Decode(&v); err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrTemplate, n.Line, err)
		}
	default:
		return nil, fmt.Errorf("%w: line %d: unexpected YAML node", ErrTemplate, n.Line)
	}
	if custom(n.Tag) {
		name, ok := longForm[n.Tag]
		if !ok {
			return nil, fmt.Errorf("%w: line %d: unknown tag %s", ErrTemplate, n.Line, n.Tag)
		}
		if name == "Fn::GetAtt" {
			if s, ok := v.(string); ok { // !GetAtt Function.Arn
				v = strings.SplitN(s, ".", 2)
			}
		}
		v = map[string]any{name: v}
	}
	return v, nil
}

// custom reports whether tag is an application tag (!Ref), not a YAML core
// tag (!!str, !!int, ...).
func custom(tag string) bool {
	return strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!")
}

// Resources returns the logical ids of the resources of type typ, sorted.
func (t *Template) Resources(typ string) []string {
	var ids []string
	for id, r := range asMap(t.Root["Resources"]) {
		if asMap(r)["Type"] == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// Properties returns the Properties of the resource id.
func (t *Template) Properties(id string) map[string]any {
	return asMap(asMap(asMap(t.Root["Resources"])[id])["Properties"])
}

// Function returns the properties of the only AWS::Serverless::Function.
func (t *Template) Function() (id string, props map[string]any, err error) {
	ids := t.Resources(TypeFunction)
	if len(ids) != 1 {
		return "", nil, fmt.Errorf("%w: %d functions, want 1", ErrTemplate, len(ids))
	}
	return ids[0], t.Properties(ids[0]), nil
}

// ObjectLambdaConfiguration returns the ObjectLambdaConfiguration of the only
// Object Lambda access point.
func (t *Template) ObjectLambdaConfiguration() (map[string]any, error) {
	ids := t.Resources(TypeObjectLambdaAccess)
	if len(ids) != 1 {
		return nil, fmt.Errorf("%w: %d Object Lambda access points, want 1", ErrTemplate, len(ids))
	}
	return asMap(t.Properties(ids[0])["ObjectLambdaConfiguration"]), nil
}

// AllowedFeatures returns the Object Lambda access point's AllowedFeatures.
func (t *Template) AllowedFeatures() ([]string, error) {
	c, err := t.ObjectLambdaConfiguration()
	if err != nil {
		return nil, err
	}
	return Strings(c["AllowedFeatures"]), nil
}

// Transformation returns the actions of the only transformation
// configuration and its AwsLambda properties (FunctionArn, FunctionPayload).
func (t *Template) Transformation() (actions []string, lambda map[string]any, err error) {
	c, err := t.ObjectLambdaConfiguration()
	if err != nil {
		return nil, nil, err
	}
	tcs, _ := c["TransformationConfigurations"].([]any)
	if len(tcs) != 1 {
		return nil, nil, fmt.Errorf("%w: %d transformation configurations, want 1", ErrTemplate, len(tcs))
	}
	tc := asMap(tcs[0])
	lambda = asMap(asMap(asMap(tc["ContentTransformation"])["AwsLambda"]))
	return Strings(tc["Actions"]), lambda, nil
}

// Payload returns the FunctionPayload, with Fn::Sub resolved (see Sub).
func (t *Template) Payload() (string, error) {
	_, lambda, err := t.Transformation()
	if err != nil {
		return "", err
	}
	switch p := lambda["FunctionPayload"].(type) {
	case nil:
		return "", nil
	case string:
		return p, nil
	case map[string]any:
		if s, ok := p["Fn::Sub"].(string); ok {
			return t.Sub(s)
		}
	}
	return "", fmt.Errorf("%w: FunctionPayload is neither a string nor a !Sub string", ErrTemplate)
}

// Pseudo are the values Sub gives to CloudFormation's pseudo parameters:
// the account and region of objectlambdatest's access point.
var Pseudo = map[string]string{
	"AWS::Partition": "aws", "AWS::Region": "us-east-1", "AWS::AccountId": "111122223333",
	"AWS::StackName": "example", "AWS::URLSuffix": "amazonaws.com",
}

var subVar = regexp.MustCompile(`\$\{([^}!]+)\}`)

// Sub resolves a Fn::Sub string with Pseudo and the parameters' Default
// values. A variable with neither is an error.
func (t *Template) Sub(s string) (string, error) {
	var missing []string
	out := subVar.ReplaceAllStringFunc(s, func(m string) string {
		name := m[2 : len(m)-1]
		if v, ok := Pseudo[name]; ok {
			return v
		}
		if d, ok := asMap(asMap(t.Root["Parameters"])[name])["Default"]; ok {
			return fmt.Sprint(d)
		}
		missing = append(missing, name)
		return m
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("%w: !Sub variables without a value: %s", ErrTemplate, strings.Join(missing, ", "))
	}
	return out, nil
}

// Statements returns the statements of the function's inline policies
// (Policies entries that are policy documents; SAM policy templates and
// managed policy names are returned as an error, since the examples do not
// use them).
func (t *Template) Statements() ([]Statement, error) {
	_, props, err := t.Function()
	if err != nil {
		return nil, err
	}
	var out []Statement
	policies, _ := props["Policies"].([]any)
	for _, p := range policies {
		doc, ok := p.(map[string]any)
		if !ok || doc["Statement"] == nil {
			return nil, fmt.Errorf("%w: a policy that is not an inline document: %v", ErrTemplate, p)
		}
		sts, _ := doc["Statement"].([]any)
		for _, s := range sts {
			sm := asMap(s)
			st := Statement{Effect: fmt.Sprint(sm["Effect"]), Actions: Strings(sm["Action"])}
			switch r := sm["Resource"].(type) {
			case []any:
				st.Resources = r
			default:
				st.Resources = []any{r}
			}
			out = append(out, st)
		}
	}
	return out, nil
}

// Strings returns v as a list of strings: a string, or a list whose string
// elements are kept.
func Strings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
