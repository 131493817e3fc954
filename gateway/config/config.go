package config

import (
	"path/filepath"
	"time"
)

// Config is the whole gateway.yaml. Field names are those of the YAML
// document; the access point part mirrors the CloudFormation resource
// AWS::S3ObjectLambda::AccessPoint, so a SAM template's
// ObjectLambdaConfiguration reads the same here.
//
// Parse and Load fill in defaults and validate; a Config built by hand must
// be checked with Validate before use.
type Config struct {
	// Region is the region callers sign their requests for, and the region
	// in the ARNs the functions see (default us-east-1).
	Region string `yaml:"Region"`
	// AccountId is the account that owns the access points, in the ARNs the
	// functions see (12 digits; default 000000000000).
	AccountID string `yaml:"AccountId"`

	Listener Listener `yaml:"Listener"`
	Admin    Admin    `yaml:"Admin"`
	Shutdown Shutdown `yaml:"Shutdown"`
	Log      Log      `yaml:"Log"`
	Limits   Limits   `yaml:"Limits"`
	Cluster  Cluster  `yaml:"Cluster"`

	Stores       []Store       `yaml:"Stores"`
	Functions    []Function    `yaml:"Functions"`
	Callers      SecretRef     `yaml:"Callers"`
	AccessPoints []AccessPoint `yaml:"AccessPoints"`

	accessPoints map[string]*AccessPoint // by Name, built by Validate
}

// Listener is the S3 endpoint callers and functions (WriteGetObjectResponse,
// inputS3Url) connect to.
type Listener struct {
	// Address is host:port to listen on, e.g. 0.0.0.0:8443.
	Address string `yaml:"Address"`
	// PublicURL is the URL functions use to reach the gateway (their
	// S3 endpoint for WriteGetObjectResponse). Default: derived from Address
	// and TLS (an unspecified host becomes 127.0.0.1).
	PublicURL string `yaml:"PublicURL"`
	// TLS serves HTTPS from PEM files; absent means plain HTTP.
	TLS *TLS `yaml:"TLS"`
	// HTTP2 enables HTTP/2: over TLS by ALPN, over plain HTTP by prior
	// knowledge (h2c). HTTP/1.1 is always served. Default true.
	HTTP2 *bool `yaml:"HTTP2"`
	// MaxHeaderBytes bounds the request line and headers (default 64 KiB).
	MaxHeaderBytes int `yaml:"MaxHeaderBytes"`
	// ReadHeaderTimeout bounds reading a request's headers (default 10s).
	ReadHeaderTimeout time.Duration `yaml:"ReadHeaderTimeout"`
	// IdleTimeout closes keep-alive connections idle this long (default 2m).
	IdleTimeout time.Duration `yaml:"IdleTimeout"`
}

// TLS names the certificate and key files (PEM). The key file is read at
// start-up and never logged.
type TLS struct {
	CertFile string `yaml:"CertFile"`
	KeyFile  string `yaml:"KeyFile"`
}

// Admin is the operations endpoint: /metrics, /healthz, /readyz. It is a
// separate listener so that no access point name can shadow it and metrics
// need not be public.
type Admin struct {
	// Address is host:port (default 127.0.0.1:9090).
	Address string `yaml:"Address"`
}

// Shutdown is what happens on SIGTERM: /readyz fails at once, the listeners
// keep serving for ReadinessDelay (load balancers notice), then stop
// accepting and wait up to DrainTimeout for requests in flight.
type Shutdown struct {
	ReadinessDelay time.Duration `yaml:"ReadinessDelay"` // default 5s
	DrainTimeout   time.Duration `yaml:"DrainTimeout"`   // default 65s: a GET may take 60 s
}

// Log configures the JSON log lines on standard error.
type Log struct {
	// Level is debug, info (default), warn or error.
	Level string `yaml:"Level"`
}

// Limits are the defaults of per access point limits.
type Limits struct {
	// MaxConcurrentInvocations is how many function invocations one access
	// point may have in flight; more are answered 503 SlowDown, as Object
	// Lambda does when Lambda throttles (default 100).
	MaxConcurrentInvocations int `yaml:"MaxConcurrentInvocations"`
}

// Cluster is what the replicas of one gateway share. They share no state:
// a GetObject's WriteGetObjectResponse may reach any replica behind the
// load balancer; its outputRoute names the replica that holds the caller's
// connection (its address, authenticated with Key), and the others stream
// the call through to that replica, authenticated with Key too.
type Cluster struct {
	// Advertise is the IP:port at which the other replicas reach this
	// replica's Listener: in Kubernetes the pod's IP, from the downward API
	// ({Env: POD_ADDRESS}). Default: Listener.Address, with 127.0.0.1 for
	// an unspecified host (a single replica).
	Advertise StringRef `yaml:"Advertise"`
	// Key authenticates routes and the calls replicas forward to each
	// other: the same secret on every replica, at least 32 characters.
	// Absent: a random key per process, which suits a single replica.
	Key SecretRef `yaml:"Key"`
}

// Store is an S3-compatible endpoint that holds the objects.
type Store struct {
	Name string `yaml:"Name"`
	// Endpoint is the store's URL, e.g. http://127.0.0.1:7070. Empty means
	// Amazon S3 in Region, found by the SDK's endpoint rules.
	Endpoint string `yaml:"Endpoint"`
	// Region is the store's signing region (default: the gateway's Region).
	Region string `yaml:"Region"`
	// UsePathStyle addresses buckets as http://host/bucket/key rather than
	// http://bucket.host/key (most self-hosted stores need it).
	UsePathStyle bool `yaml:"UsePathStyle"`
	// Credentials the gateway signs store requests (and inputS3Url) with.
	// Absent: the AWS SDK's default chain (environment, web identity, ...).
	Credentials *Credentials `yaml:"Credentials"`
}

// Credentials is an AWS-style key pair. Only the access key id may be
// written inline; the secret and the session token come from a file or an
// environment variable.
type Credentials struct {
	AccessKeyID     StringRef `yaml:"AccessKeyId"`
	SecretAccessKey SecretRef `yaml:"SecretAccessKey"`
	SessionToken    SecretRef `yaml:"SessionToken"`
}

// Function is how a function named in TransformationConfigurations runs:
// exactly one of InProcess and Lambda.
type Function struct {
	Name string `yaml:"Name"`
	// InProcess names a handler that the gateway binary registered under
	// that name (gateway.WithFunction).
	InProcess string `yaml:"InProcess"`
	// Lambda invokes the function through the Lambda Invoke API: on AWS
	// Lambda, or any server of the same API such as AWS's Lambda Runtime
	// Interface Emulator.
	Lambda *LambdaFunction `yaml:"Lambda"`
}

// LambdaFunction is a function reached through the Lambda Invoke API.
type LambdaFunction struct {
	// FunctionName is a name, an ARN or a partial ARN, as the Invoke API
	// takes it. The Lambda Runtime Interface Emulator answers only to
	// "function".
	FunctionName string `yaml:"FunctionName"`
	// Qualifier is a version or alias (optional).
	Qualifier string `yaml:"Qualifier"`
	// Region of the function (default: from an ARN FunctionName, else the
	// gateway's Region).
	Region string `yaml:"Region"`
	// Endpoint overrides the Invoke API endpoint, e.g. the RIE's
	// http://127.0.0.1:9000.
	Endpoint string `yaml:"Endpoint"`
	// Credentials to call Invoke with. Absent: the SDK's default chain for
	// AWS Lambda, unsigned calls for an Endpoint of your own (the RIE
	// ignores signatures).
	Credentials *Credentials `yaml:"Credentials"`
	// ResponseCredentials is the key pair the function signs
	// WriteGetObjectResponse with, when the gateway can know it: a
	// bootstrap under the RIE whose AWS_ACCESS_KEY_ID and
	// AWS_SECRET_ACCESS_KEY you set. The gateway then checks the signature
	// of its calls and refuses any other. Absent (a function on AWS Lambda,
	// which signs with its execution role's credentials, which the gateway
	// cannot check): the call's output token, 256 random bits valid once,
	// for one request, during its time limit, is its only authorization,
	// and PublicURL must be https (or loopback). docs/gateway.md has the
	// threat model.
	ResponseCredentials *Credentials `yaml:"ResponseCredentials"`
	// MaxConcurrency bounds the invocations in flight to this function;
	// more wait for a free slot. 0 is no bound. The RIE runs one invocation
	// at a time: give it 1.
	MaxConcurrency int `yaml:"MaxConcurrency"`
}

// AccessPoint is an Object Lambda access point: the fields of
// AWS::S3ObjectLambda::AccessPoint, plus who may call it and its limit.
type AccessPoint struct {
	// Name is the access point's name, used as the bucket name by callers
	// (3-45 characters, lower-case letters, digits and '-').
	Name string `yaml:"Name"`
	// Alias is another name callers may use as the bucket, as AWS gives
	// every Object Lambda access point an alias (NAME-RANDOM--ol-s3) that
	// works wherever a bucket name does. ListBuckets shows it rather than
	// Name. Optional; a bucket name distinct from every Name and Alias.
	Alias                     string                    `yaml:"Alias"`
	ObjectLambdaConfiguration ObjectLambdaConfiguration `yaml:"ObjectLambdaConfiguration"`
	// AllowedPrincipals are IAM ARN patterns ('*' any run, '?' one
	// character) of the callers allowed to use the access point, matched
	// against the caller's ARN and its session issuer's (the role behind an
	// assumed-role session). Nobody else is: there is no default allow.
	// "*" allows every caller in the callers file.
	AllowedPrincipals []string `yaml:"AllowedPrincipals"`
	// AllowedActions are the operations the allowed principals may perform
	// through the access point, as the actions of an IAM policy for
	// s3-object-lambda (with or without that prefix): patterns ('*' any
	// run, '?' one character) matched against the S3 operation's name and
	// the IAM action S3 asks for it, so GetObject also admits HeadObject,
	// PutObject the multipart upload operations, DeleteObject
	// DeleteObjects, ListBucket the listings. Default: reading only
	// (DefaultAllowedActions). The writes and deletes Object Lambda passes
	// through to the store are refused (403 AccessDenied) unless listed;
	// "*" allows every operation the access point serves.
	AllowedActions []string `yaml:"AllowedActions"`
	// MaxConcurrentInvocations overrides Limits.MaxConcurrentInvocations.
	MaxConcurrentInvocations int `yaml:"MaxConcurrentInvocations"`

	routes map[string]Route // by action, built by Validate
}

// ObjectLambdaConfiguration mirrors the CloudFormation property of the same
// name. SupportingAccessPoint names a store and bucket instead of an ARN.
type ObjectLambdaConfiguration struct {
	SupportingAccessPoint SupportingAccessPoint `yaml:"SupportingAccessPoint"`
	// AllowedFeatures: GetObject-Range, GetObject-PartNumber,
	// HeadObject-Range, HeadObject-PartNumber. Without them such requests
	// are answered 501 NotImplemented, as on AWS.
	AllowedFeatures []string `yaml:"AllowedFeatures"`
	// CloudWatchMetricsEnabled is accepted for templates that set it; the
	// gateway's Prometheus metrics are always on.
	CloudWatchMetricsEnabled bool `yaml:"CloudWatchMetricsEnabled"`
	// TransformationConfigurations route actions to functions. Actions not
	// listed go to the store unchanged.
	TransformationConfigurations []TransformationConfiguration `yaml:"TransformationConfigurations"`
}

// SupportingAccessPoint is where the access point's objects are: a bucket
// of a store, optionally only the keys under Prefix.
type SupportingAccessPoint struct {
	Store  string `yaml:"Store"`
	Bucket string `yaml:"Bucket"`
	Prefix string `yaml:"Prefix"`
}

// TransformationConfiguration sends Actions to one function.
type TransformationConfiguration struct {
	// Actions: GetObject, HeadObject, ListObjects, ListObjectsV2.
	Actions               []string              `yaml:"Actions"`
	ContentTransformation ContentTransformation `yaml:"ContentTransformation"`
}

// ContentTransformation mirrors AWS's union with its one member.
type ContentTransformation struct {
	AWSLambda AWSLambda `yaml:"AwsLambda"`
}

// AWSLambda names the function and its payload.
type AWSLambda struct {
	// FunctionArn names an entry of Functions, by its Name, or by its
	// Lambda FunctionName when that is an ARN (so a template's ARN works).
	FunctionArn string `yaml:"FunctionArn"`
	// FunctionPayload is delivered as configuration.payload in every event.
	// It is visible to whoever reads the configuration: no secrets.
	FunctionPayload string `yaml:"FunctionPayload"`
}

// Actions an access point can route to a function.
const (
	ActionGetObject     = "GetObject"
	ActionHeadObject    = "HeadObject"
	ActionListObjects   = "ListObjects"
	ActionListObjectsV2 = "ListObjectsV2"
)

// Features an access point can allow.
const (
	FeatureGetObjectRange       = "GetObject-Range"
	FeatureGetObjectPartNumber  = "GetObject-PartNumber"
	FeatureHeadObjectRange      = "HeadObject-Range"
	FeatureHeadObjectPartNumber = "HeadObject-PartNumber"
)

// Defaults.
const (
	DefaultRegion                   = "us-east-1"
	DefaultAccountID                = "000000000000"
	DefaultAdminAddress             = "127.0.0.1:9090"
	DefaultMaxHeaderBytes           = 64 << 10
	DefaultReadHeaderTimeout        = 10 * time.Second
	DefaultIdleTimeout              = 2 * time.Minute
	DefaultReadinessDelay           = 5 * time.Second
	DefaultDrainTimeout             = 65 * time.Second
	DefaultMaxConcurrentInvocations = 100
	DefaultLogLevel                 = "info"
)

// DefaultAllowedActions are the operations an access point allows when its
// AllowedActions are not given: reading objects, their metadata and
// listings, never writing or deleting.
func DefaultAllowedActions() []string { return []string{"Get*", "Head*", "List*"} }

// applyDefaults fills in what the document left out.
func (c *Config) applyDefaults() {
	setDefault(&c.Region, DefaultRegion)
	setDefault(&c.AccountID, DefaultAccountID)
	setDefault(&c.Admin.Address, DefaultAdminAddress)
	setDefault(&c.Log.Level, DefaultLogLevel)
	setDefault(&c.Listener.MaxHeaderBytes, DefaultMaxHeaderBytes)
	setDefault(&c.Listener.ReadHeaderTimeout, DefaultReadHeaderTimeout)
	setDefault(&c.Listener.IdleTimeout, DefaultIdleTimeout)
	if c.Listener.HTTP2 == nil {
		on := true
		c.Listener.HTTP2 = &on
	}
	setDefault(&c.Shutdown.ReadinessDelay, DefaultReadinessDelay)
	setDefault(&c.Shutdown.DrainTimeout, DefaultDrainTimeout)
	setDefault(&c.Limits.MaxConcurrentInvocations, DefaultMaxConcurrentInvocations)
	for i := range c.Stores {
		setDefault(&c.Stores[i].Region, c.Region)
	}
	for i := range c.Functions {
		if l := c.Functions[i].Lambda; l != nil && l.Region == "" {
			l.Region = c.Region
			if arn, ok := parseARN(l.FunctionName); ok && arn.region != "" {
				l.Region = arn.region
			}
		}
	}
	for i := range c.AccessPoints {
		setDefault(&c.AccessPoints[i].MaxConcurrentInvocations, c.Limits.MaxConcurrentInvocations)
		if len(c.AccessPoints[i].AllowedActions) == 0 {
			c.AccessPoints[i].AllowedActions = DefaultAllowedActions()
		}
	}
}

// resolvePaths makes relative file names relative to dir.
func (c *Config) resolvePaths(dir string) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
	abs(&c.Callers.File)
	if t := c.Listener.TLS; t != nil {
		abs(&t.CertFile)
		abs(&t.KeyFile)
	}
	creds := func(k *Credentials) {
		if k != nil {
			abs(&k.AccessKeyID.File)
			abs(&k.SecretAccessKey.File)
			abs(&k.SessionToken.File)
		}
	}
	for i := range c.Stores {
		creds(c.Stores[i].Credentials)
	}
	for i := range c.Functions {
		if l := c.Functions[i].Lambda; l != nil {
			creds(l.Credentials)
			creds(l.ResponseCredentials)
		}
	}
	abs(&c.Cluster.Advertise.File)
	abs(&c.Cluster.Key.File)
}

func setDefault[T comparable](v *T, def T) {
	var zero T
	if *v == zero {
		*v = def
	}
}
