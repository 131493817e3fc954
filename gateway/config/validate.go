package config

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/objectlambda/sdk-go/gateway/internal/s3op"
)

var (
	accessPointNameRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)
	nameRE            = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	regionRE          = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)
	accountRE         = regexp.MustCompile(`^[0-9]{12}$`)
	bucketRE          = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)
	qualifierRE       = regexp.MustCompile(`^[A-Za-z0-9$_-]{1,128}$`)
	actionRE          = regexp.MustCompile(`^[A-Za-z0-9*?]+$`) // an operation name or pattern
	envNameRE         = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	logLevels         = []string{"debug", "info", "warn", "error"}
	allActions        = []string{ActionGetObject, ActionHeadObject, ActionListObjects, ActionListObjectsV2}
	allFeatures       = []string{FeatureGetObjectRange, FeatureGetObjectPartNumber, FeatureHeadObjectRange, FeatureHeadObjectPartNumber}
)

// Validate fills in defaults, checks the whole configuration and indexes
// it for the lookups (AccessPoint, Route). Parse and Load call it; call it
// on a Config built in Go. Errors are *Error, with paths but no lines.
func (c *Config) Validate() error { return c.validate() }

func (c *Config) validate() error {
	c.applyDefaults()
	v := &checker{}
	c.checkTop(v)
	c.checkListener(v)
	c.checkCluster(v)
	stores := c.checkStores(v)
	functions := c.checkFunctions(v)
	c.checkAccessPoints(v, stores, functions)
	if len(v.problems) > 0 {
		return &Error{Problems: v.problems}
	}
	c.index(functions)
	return nil
}

// checker collects problems.
type checker struct{ problems []Problem }

func (v *checker) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

func at(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

func (c *Config) checkTop(v *checker) {
	if !regionRE.MatchString(c.Region) {
		v.add("Region", "not a region name (lower-case letters, digits and '-', like us-east-1)")
	}
	if !accountRE.MatchString(c.AccountID) {
		v.add("AccountId", "must be 12 digits")
	}
	if !slices.Contains(logLevels, c.Log.Level) {
		v.add("Log.Level", "must be one of %s", strings.Join(logLevels, ", "))
	}
	if c.Limits.MaxConcurrentInvocations < 1 {
		v.add("Limits.MaxConcurrentInvocations", "must be at least 1")
	}
	if c.Shutdown.ReadinessDelay < 0 {
		v.add("Shutdown.ReadinessDelay", "must not be negative")
	}
	if c.Shutdown.DrainTimeout <= 0 {
		v.add("Shutdown.DrainTimeout", "must be positive")
	}
	if len(c.AccessPoints) == 0 {
		v.add("AccessPoints", "at least one access point is needed")
	}
	if c.Callers.IsZero() {
		v.add("Callers", "required: the file of callers' credentials, as {File: /path} or {Env: NAME}")
	} else if msg := checkRef(c.Callers.Env, c.Callers.File); msg != "" {
		v.add("Callers", "%s", msg)
	}
}

func (c *Config) checkListener(v *checker) {
	l := &c.Listener
	if l.Address == "" {
		v.add("Listener.Address", "required, as host:port (e.g. 0.0.0.0:8080)")
	} else if msg := checkAddress(l.Address); msg != "" {
		v.add("Listener.Address", "%s", msg)
	}
	if msg := checkAddress(c.Admin.Address); msg != "" {
		v.add("Admin.Address", "%s", msg)
	} else if c.Admin.Address == l.Address && !strings.HasSuffix(l.Address, ":0") {
		v.add("Admin.Address", "must differ from Listener.Address")
	}
	if l.PublicURL != "" {
		if msg := checkBaseURL(l.PublicURL); msg != "" {
			v.add("Listener.PublicURL", "%s", msg)
		}
	}
	if l.TLS != nil {
		if l.TLS.CertFile == "" {
			v.add("Listener.TLS.CertFile", "required with TLS")
		}
		if l.TLS.KeyFile == "" {
			v.add("Listener.TLS.KeyFile", "required with TLS")
		}
	}
	if l.MaxHeaderBytes < 4<<10 || l.MaxHeaderBytes > 1<<20 {
		v.add("Listener.MaxHeaderBytes", "must be between 4096 and 1048576")
	}
	if l.ReadHeaderTimeout < 0 {
		v.add("Listener.ReadHeaderTimeout", "must not be negative")
	}
	if l.IdleTimeout < 0 {
		v.add("Listener.IdleTimeout", "must not be negative")
	}
}

// checkAddress accepts host:port with a numeric port.
func checkAddress(addr string) string {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "must be host:port (e.g. 127.0.0.1:8080)"
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "the port must be a number from 0 to 65535"
	}
	return ""
}

// checkBaseURL accepts http(s)://host[:port] with nothing after it.
func checkBaseURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "not a URL: write http(s)://host[:port]"
	case u.Scheme != "http" && u.Scheme != "https":
		return "must start with http:// or https://"
	case u.Host == "":
		return "must name a host"
	case u.User != nil:
		return "must not hold credentials (user:password@)"
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		return "must be scheme://host[:port] only, without path or query"
	}
	return ""
}

func (c *Config) checkStores(v *checker) map[string]bool {
	names := map[string]bool{}
	if len(c.Stores) == 0 {
		v.add("Stores", "at least one store is needed")
	}
	for i, s := range c.Stores {
		p := at("Stores", i)
		checkName(v, p+".Name", s.Name, names)
		if s.Endpoint != "" {
			if msg := checkBaseURL(s.Endpoint); msg != "" {
				v.add(p+".Endpoint", "%s", msg)
			}
		}
		if s.Region != c.Region && !regionRE.MatchString(s.Region) { // c.Region is checked once
			v.add(p+".Region", "not a region name")
		}
		checkCredentials(v, p+".Credentials", s.Credentials)
	}
	return names
}

func checkName(v *checker, path, name string, seen map[string]bool) {
	switch {
	case !nameRE.MatchString(name):
		v.add(path, "must be 1-64 letters, digits, '-' or '_'")
	case seen[name]:
		v.add(path, "%s is defined twice", name)
	}
	seen[name] = true
}

func checkCredentials(v *checker, path string, c *Credentials) {
	if c == nil {
		return
	}
	if c.AccessKeyID.IsZero() {
		v.add(path+".AccessKeyId", "required")
	} else if c.AccessKeyID.Value == "" {
		if msg := checkRef(c.AccessKeyID.Env, c.AccessKeyID.File); msg != "" {
			v.add(path+".AccessKeyId", "%s", msg)
		}
	} else if c.AccessKeyID.Env != "" || c.AccessKeyID.File != "" {
		v.add(path+".AccessKeyId", "give a value, Env or File, not several")
	}
	if c.SecretAccessKey.IsZero() {
		v.add(path+".SecretAccessKey", "required, as {Env: NAME} or {File: /path}")
	} else if msg := checkRef(c.SecretAccessKey.Env, c.SecretAccessKey.File); msg != "" {
		v.add(path+".SecretAccessKey", "%s", msg)
	}
	if !c.SessionToken.IsZero() {
		if msg := checkRef(c.SessionToken.Env, c.SessionToken.File); msg != "" {
			v.add(path+".SessionToken", "%s", msg)
		}
	}
}

// checkFunctions returns the functions by Name and by ARN FunctionName.
func (c *Config) checkFunctions(v *checker) map[string]*Function {
	byRef := map[string]*Function{}
	names := map[string]bool{}
	for i := range c.Functions {
		f := &c.Functions[i]
		p := at("Functions", i)
		checkName(v, p+".Name", f.Name, names)
		byRef[f.Name] = f
		switch {
		case f.InProcess != "" && f.Lambda != nil:
			v.add(p, "give InProcess or Lambda, not both")
		case f.InProcess == "" && f.Lambda == nil:
			v.add(p, "give InProcess (a handler registered in the binary) or Lambda (the Invoke API)")
		case f.InProcess != "" && !nameRE.MatchString(f.InProcess):
			v.add(p+".InProcess", "must be 1-64 letters, digits, '-' or '_'")
		case f.Lambda != nil:
			c.checkLambda(v, p+".Lambda", f.Lambda)
			if _, ok := parseARN(f.Lambda.FunctionName); ok {
				if other, dup := byRef[f.Lambda.FunctionName]; dup && other != f {
					v.add(p+".Lambda.FunctionName", "the same function ARN is defined twice")
				}
				byRef[f.Lambda.FunctionName] = f
			}
		}
	}
	return byRef
}

func (c *Config) checkLambda(v *checker, p string, l *LambdaFunction) {
	if arn, ok := parseARN(l.FunctionName); ok {
		if arn.service != "lambda" || !strings.HasPrefix(arn.resource, "function:") {
			v.add(p+".FunctionName", "an ARN here must be a Lambda function's (arn:aws:lambda:REGION:ACCOUNT:function:NAME)")
		}
	} else if !nameRE.MatchString(l.FunctionName) {
		v.add(p+".FunctionName", "required: a function name (1-64 letters, digits, '-' or '_') or ARN")
	}
	if l.Qualifier != "" && !qualifierRE.MatchString(l.Qualifier) {
		v.add(p+".Qualifier", "not a version or alias name")
	}
	if l.Region != c.Region && !regionRE.MatchString(l.Region) {
		v.add(p+".Region", "not a region name")
	}
	if l.Endpoint != "" {
		if msg := checkBaseURL(l.Endpoint); msg != "" {
			v.add(p+".Endpoint", "%s", msg)
		}
	}
	if l.MaxConcurrency < 0 {
		v.add(p+".MaxConcurrency", "must not be negative (0 is no bound)")
	}
	checkCredentials(v, p+".Credentials", l.Credentials)
	checkCredentials(v, p+".ResponseCredentials", l.ResponseCredentials)
}

func (c *Config) checkCluster(v *checker) {
	a := c.Cluster.Advertise
	switch {
	case a.Value != "" && (a.Env != "" || a.File != ""):
		v.add("Cluster.Advertise", "give a value, Env or File, not several")
	case a.Value != "":
		if msg := CheckAdvertise(a.Value); msg != "" {
			v.add("Cluster.Advertise", "%s", msg)
		}
	case !a.IsZero():
		if msg := checkRef(a.Env, a.File); msg != "" {
			v.add("Cluster.Advertise", "%s", msg)
		}
	}
	if !c.Cluster.Key.IsZero() {
		if msg := checkRef(c.Cluster.Key.Env, c.Cluster.Key.File); msg != "" {
			v.add("Cluster.Key", "%s", msg)
		}
	}
}

// MinClusterKey is the shortest Cluster.Key accepted.
const MinClusterKey = 32

// CheckAdvertise checks a Cluster.Advertise value: an IP address and a
// port, since routes carry it (a host name would not fit a route).
func CheckAdvertise(s string) string {
	ap, err := netip.ParseAddrPort(s)
	switch {
	case err != nil:
		return "must be IP:port (the address other replicas reach this one at), e.g. 10.1.2.3:8080"
	case ap.Port() == 0 || ap.Addr().IsUnspecified():
		return "must be a reachable IP:port, not an unspecified address or port 0"
	}
	return ""
}

func (c *Config) checkAccessPoints(v *checker, stores map[string]bool, functions map[string]*Function) {
	names := map[string]bool{}
	for i := range c.AccessPoints {
		ap := &c.AccessPoints[i]
		p := at("AccessPoints", i)
		switch {
		case len(ap.Name) < 3 || len(ap.Name) > 45 || !accessPointNameRE.MatchString(ap.Name):
			v.add(p+".Name", "must be 3-45 lower-case letters, digits or '-', starting and ending with a letter or digit")
		case names[ap.Name]:
			v.add(p+".Name", "%s is defined twice", ap.Name)
		}
		names[ap.Name] = true
		if ap.Alias != "" {
			switch {
			case !bucketRE.MatchString(ap.Alias) || strings.Contains(ap.Alias, ".."):
				v.add(p+".Alias", "not a bucket name (3-63 lower-case letters, digits, '.' or '-')")
			case names[ap.Alias]:
				v.add(p+".Alias", "%s is already the name or alias of an access point", ap.Alias)
			}
			names[ap.Alias] = true
		}
		checkSupporting(v, p+".ObjectLambdaConfiguration.SupportingAccessPoint", ap.ObjectLambdaConfiguration.SupportingAccessPoint, stores)
		checkFeatures(v, p+".ObjectLambdaConfiguration.AllowedFeatures", ap.ObjectLambdaConfiguration.AllowedFeatures)
		checkTransformations(v, p+".ObjectLambdaConfiguration.TransformationConfigurations", ap.ObjectLambdaConfiguration.TransformationConfigurations, functions)
		checkPrincipals(v, p+".AllowedPrincipals", ap.AllowedPrincipals)
		checkActions(v, p+".AllowedActions", ap.AllowedActions)
		if ap.MaxConcurrentInvocations < 1 {
			v.add(p+".MaxConcurrentInvocations", "must be at least 1")
		}
	}
}

func checkSupporting(v *checker, p string, s SupportingAccessPoint, stores map[string]bool) {
	if s.Store == "" {
		v.add(p+".Store", "required: the Name of one of Stores")
	} else if !stores[s.Store] {
		v.add(p+".Store", "no store is named %s", s.Store)
	}
	if !bucketRE.MatchString(s.Bucket) || strings.Contains(s.Bucket, "..") {
		v.add(p+".Bucket", "not a bucket name (3-63 lower-case letters, digits, '.' or '-')")
	}
	if strings.HasPrefix(s.Prefix, "/") {
		v.add(p+".Prefix", "must not start with '/' (keys do not)")
	}
	if len(s.Prefix) > 1024 {
		v.add(p+".Prefix", "longer than the 1024 bytes of a key")
	}
}

func checkFeatures(v *checker, p string, features []string) {
	seen := map[string]bool{}
	for i, f := range features {
		switch {
		case !slices.Contains(allFeatures, f):
			v.add(at(p, i), "must be one of %s", strings.Join(allFeatures, ", "))
		case seen[f]:
			v.add(at(p, i), "%s is listed twice", f)
		}
		seen[f] = true
	}
}

func checkTransformations(v *checker, p string, ts []TransformationConfiguration, functions map[string]*Function) {
	if len(ts) == 0 {
		v.add(p, "at least one is needed (AWS requires it too): which actions go to which function")
	}
	routed := map[string]bool{}
	for i, t := range ts {
		tp := at(p, i)
		if len(t.Actions) == 0 {
			v.add(tp+".Actions", "at least one action is needed")
		}
		for j, a := range t.Actions {
			switch {
			case !slices.Contains(allActions, a):
				v.add(at(tp+".Actions", j), "must be one of %s", strings.Join(allActions, ", "))
			case routed[a]:
				v.add(at(tp+".Actions", j), "%s is routed twice: an action goes to one function", a)
			}
			routed[a] = true
		}
		ref := t.ContentTransformation.AWSLambda.FunctionArn
		fp := tp + ".ContentTransformation.AwsLambda.FunctionArn"
		if ref == "" {
			v.add(fp, "required: the Name of one of Functions (or its Lambda FunctionName ARN)")
		} else if functions[ref] == nil {
			v.add(fp, "no function is named %s", ref)
		}
	}
}

func checkPrincipals(v *checker, p string, patterns []string) {
	if len(patterns) == 0 {
		v.add(p, "nobody may call this access point: list the principals allowed (IAM ARN patterns, or \"*\" for every caller in the callers file)")
	}
	for i, pat := range patterns {
		if (pat != "*" && !strings.HasPrefix(pat, "arn:")) || strings.ContainsAny(pat, " \t\r\n") {
			v.add(at(p, i), "must be an ARN pattern (arn:aws:iam::111122223333:role/name, '*' and '?' allowed) or \"*\"")
		}
	}
}

// checkActions requires every AllowedActions pattern to name at least one
// operation an Object Lambda access point serves, so that a misspelt
// action fails the configuration instead of silently allowing nothing.
func checkActions(v *checker, p string, patterns []string) {
	served := s3op.Served()
	for i, pat := range patterns {
		name := strings.TrimPrefix(pat, actionPrefix)
		if !actionRE.MatchString(name) || !slices.ContainsFunc(served, func(op string) bool { return actionMatches(pat, op) }) {
			v.add(at(p, i), "matches no operation an Object Lambda access point serves (%s)", strings.Join(served, ", "))
		}
	}
}

// arn is the part of an ARN the configuration looks at.
type arn struct {
	partition, service, region, account, resource string
}

// parseARN splits arn:partition:service:region:account:resource.
func parseARN(s string) (arn, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] == "" || parts[2] == "" || parts[5] == "" {
		return arn{}, false
	}
	return arn{partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts[5]}, true
}
