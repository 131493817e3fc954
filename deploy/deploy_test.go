package deploy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/builtin"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// The parts of the Kubernetes objects the checks look at.
type (
	meta struct {
		Name   string            `yaml:"name"`
		Labels map[string]string `yaml:"labels"`
	}
	object struct {
		APIVersion string    `yaml:"apiVersion"`
		Kind       string    `yaml:"kind"`
		Metadata   meta      `yaml:"metadata"`
		node       yaml.Node // the whole document, for the kind's own type
		file       string
	}
	selector struct {
		MatchLabels map[string]string `yaml:"matchLabels"`
	}
	deployment struct {
		Spec struct {
			Replicas int      `yaml:"replicas"`
			Selector selector `yaml:"selector"`
			Template struct {
				Metadata meta    `yaml:"metadata"`
				Spec     podSpec `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	podSpec struct {
		ServiceAccountName            string `yaml:"serviceAccountName"`
		TerminationGracePeriodSeconds int    `yaml:"terminationGracePeriodSeconds"`
		SecurityContext               struct {
			RunAsNonRoot *bool `yaml:"runAsNonRoot"`
			RunAsUser    int   `yaml:"runAsUser"`
			RunAsGroup   int   `yaml:"runAsGroup"`
			FSGroup      int   `yaml:"fsGroup"`
		} `yaml:"securityContext"`
		Containers []container `yaml:"containers"`
		Volumes    []volume    `yaml:"volumes"`
	}
	container struct {
		Name  string   `yaml:"name"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
		Ports []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
		Env []struct {
			Name      string `yaml:"name"`
			Value     string `yaml:"value"`
			ValueFrom *struct {
				FieldRef struct {
					FieldPath string `yaml:"fieldPath"`
				} `yaml:"fieldRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		ReadinessProbe probe `yaml:"readinessProbe"`
		LivenessProbe  probe `yaml:"livenessProbe"`
		Resources      struct {
			Requests map[string]string `yaml:"requests"`
			Limits   map[string]string `yaml:"limits"`
		} `yaml:"resources"`
		SecurityContext struct {
			AllowPrivilegeEscalation *bool `yaml:"allowPrivilegeEscalation"`
			ReadOnlyRootFilesystem   *bool `yaml:"readOnlyRootFilesystem"`
			Capabilities             struct {
				Drop []string `yaml:"drop"`
			} `yaml:"capabilities"`
		} `yaml:"securityContext"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
			ReadOnly  bool   `yaml:"readOnly"`
		} `yaml:"volumeMounts"`
	}
	probe struct {
		HTTPGet *struct {
			Path string `yaml:"path"`
			Port string `yaml:"port"`
		} `yaml:"httpGet"`
	}
	volume struct {
		Name      string `yaml:"name"`
		ConfigMap *struct {
			Name string `yaml:"name"`
		} `yaml:"configMap"`
		Secret *struct {
			SecretName  string `yaml:"secretName"`
			DefaultMode *int   `yaml:"defaultMode"`
		} `yaml:"secret"`
		EmptyDir *struct{} `yaml:"emptyDir"`
	}
	service struct {
		Spec struct {
			Selector map[string]string `yaml:"selector"`
			Ports    []struct {
				Name       string `yaml:"name"`
				Port       int    `yaml:"port"`
				TargetPort string `yaml:"targetPort"`
			} `yaml:"ports"`
		} `yaml:"spec"`
	}
	pdb struct {
		Spec struct {
			MinAvailable int      `yaml:"minAvailable"`
			Selector     selector `yaml:"selector"`
		} `yaml:"spec"`
	}
	configMap struct {
		Data map[string]string `yaml:"data"`
	}
	secret struct {
		StringData map[string]string `yaml:"stringData"`
	}
	kustomization struct {
		Resources []string `yaml:"resources"`
	}
)

const dir = "kubernetes"

// manifests parses every YAML document of deploy/kubernetes.
func manifests(t *testing.T) []*object {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var objs []*object
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		dec := yaml.NewDecoder(bytes.NewReader(data))
		for {
			o := &object{file: filepath.Base(f)}
			err := dec.Decode(&o.node)
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, f)
			require.NoError(t, o.node.Decode(o), f)
			require.NotEmpty(t, o.APIVersion, "%s: apiVersion", f)
			require.NotEmpty(t, o.Kind, "%s: kind", f)
			objs = append(objs, o)
		}
	}
	return objs
}

// one finds the only object of kind (and decodes it into v).
func one(t *testing.T, objs []*object, kind string, v any) *object {
	t.Helper()
	var found []*object
	for _, o := range objs {
		if o.Kind == kind {
			found = append(found, o)
		}
	}
	require.Len(t, found, 1, "one %s", kind)
	if v != nil {
		require.NoError(t, found[0].node.Decode(v), kind)
	}
	return found[0]
}

// bundle is everything the checks compare.
type bundle struct {
	objs    []*object
	dep     deployment
	pod     podSpec
	ctr     container
	svc     service
	svcObj  *object
	pdb     pdb
	cm      configMap
	cmObj   *object
	sec     secret
	secObj  *object
	cfg     *config.Config
	cfgPath string // where the container reads gateway.yaml
}

func load(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{objs: manifests(t)}
	one(t, b.objs, "Deployment", &b.dep)
	b.svcObj = one(t, b.objs, "Service", &b.svc)
	one(t, b.objs, "PodDisruptionBudget", &b.pdb)
	b.cmObj = one(t, b.objs, "ConfigMap", &b.cm)
	b.secObj = one(t, b.objs, "Secret", &b.sec)
	one(t, b.objs, "ServiceAccount", nil)
	b.pod = b.dep.Spec.Template.Spec
	require.Len(t, b.pod.Containers, 1)
	b.ctr = b.pod.Containers[0]
	i := slices.Index(b.ctr.Args, "-config")
	require.GreaterOrEqual(t, i, 0, "the container names its configuration")
	require.Less(t, i+1, len(b.ctr.Args))
	b.cfgPath = b.ctr.Args[i+1]
	var err error
	b.cfg, err = config.Parse("configmap.yaml gateway.yaml", []byte(b.cm.Data[path.Base(b.cfgPath)]))
	require.NoError(t, err, "the ConfigMap's gateway.yaml passes the validator")
	return b
}

func (b *bundle) containerPort(t *testing.T, name string) int {
	t.Helper()
	for _, p := range b.ctr.Ports {
		if p.Name == name {
			return p.ContainerPort
		}
	}
	t.Fatalf("no container port named %q", name)
	return 0
}

func port(t *testing.T, hostport string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(hostport)
	require.NoError(t, err)
	n, err := strconv.Atoi(p)
	require.NoError(t, err)
	return n
}

// mounted is what the container sees under a volume mount: the ConfigMap's
// and the Secret's keys as files.
func (b *bundle) mounted(t *testing.T) map[string]string {
	t.Helper()
	files := map[string]string{}
	for _, m := range b.ctr.VolumeMounts {
		i := slices.IndexFunc(b.pod.Volumes, func(v volume) bool { return v.Name == m.Name })
		require.GreaterOrEqual(t, i, 0, "volume mount %s names a volume", m.Name)
		v := b.pod.Volumes[i]
		var data map[string]string
		switch {
		case v.ConfigMap != nil:
			require.Equal(t, b.cmObj.Metadata.Name, v.ConfigMap.Name, "volume %s: the ConfigMap exists", v.Name)
			data = b.cm.Data
		case v.Secret != nil:
			require.Equal(t, b.secObj.Metadata.Name, v.Secret.SecretName, "volume %s: the Secret exists", v.Name)
			data = b.sec.StringData
		}
		for k, val := range data {
			files[path.Join(m.MountPath, k)] = val
		}
	}
	return files
}

func TestManifests(t *testing.T) {
	b := load(t)
	labels := b.dep.Spec.Template.Metadata.Labels

	t.Run("replicas and selectors", func(t *testing.T) {
		assert.Equal(t, 3, b.dep.Spec.Replicas)
		assert.Equal(t, b.dep.Spec.Selector.MatchLabels, subset(labels, b.dep.Spec.Selector.MatchLabels), "the Deployment selects its pods")
		assert.Equal(t, b.svc.Spec.Selector, subset(labels, b.svc.Spec.Selector), "the Service selects the pods")
		assert.Equal(t, b.pdb.Spec.Selector.MatchLabels, subset(labels, b.pdb.Spec.Selector.MatchLabels), "the PodDisruptionBudget selects the pods")
		assert.NotEmpty(t, b.svc.Spec.Selector)
		assert.Positive(t, b.pdb.Spec.MinAvailable)
		assert.Less(t, b.pdb.Spec.MinAvailable, b.dep.Spec.Replicas, "a node can still be drained")
		assert.Equal(t, one(t, b.objs, "ServiceAccount", nil).Metadata.Name, b.pod.ServiceAccountName)
	})

	t.Run("ports match the configuration", func(t *testing.T) {
		assert.Equal(t, port(t, b.cfg.Listener.Address), b.containerPort(t, "http"))
		assert.Equal(t, port(t, b.cfg.Admin.Address), b.containerPort(t, "admin"))
		for _, p := range b.svc.Spec.Ports {
			b.containerPort(t, p.TargetPort) // every Service port targets a container port
		}
		// The public URL that functions call back is this Service.
		u, err := url.Parse(b.cfg.Listener.PublicURL)
		require.NoError(t, err)
		assert.Equal(t, b.svcObj.Metadata.Name, strings.Split(u.Hostname(), ".")[0])
		i := slices.IndexFunc(b.svc.Spec.Ports, func(p struct {
			Name       string `yaml:"name"`
			Port       int    `yaml:"port"`
			TargetPort string `yaml:"targetPort"`
		}) bool {
			return p.TargetPort == "http"
		})
		require.GreaterOrEqual(t, i, 0)
		assert.Equal(t, strconv.Itoa(b.svc.Spec.Ports[i].Port), u.Port())
	})

	t.Run("probes point at the gateway's real paths", func(t *testing.T) {
		require.NotNil(t, b.ctr.ReadinessProbe.HTTPGet)
		require.NotNil(t, b.ctr.LivenessProbe.HTTPGet)
		assert.Equal(t, "/readyz", b.ctr.ReadinessProbe.HTTPGet.Path)
		assert.Equal(t, "/healthz", b.ctr.LivenessProbe.HTTPGet.Path)
		for _, p := range []probe{b.ctr.ReadinessProbe, b.ctr.LivenessProbe} {
			assert.Equal(t, port(t, b.cfg.Admin.Address), b.containerPort(t, p.HTTPGet.Port), "probes go to the admin listener")
		}
		g := newGateway(t, b)
		srv := httptest.NewServer(g.AdminHandler())
		defer srv.Close()
		g.Health().SetReady()
		for _, p := range []probe{b.ctr.ReadinessProbe, b.ctr.LivenessProbe} {
			resp, err := http.Get(srv.URL + p.HTTPGet.Path)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, http.StatusOK, resp.StatusCode, p.HTTPGet.Path)
		}
	})

	t.Run("the configuration and its secrets build a gateway", func(t *testing.T) {
		files := b.mounted(t)
		_, ok := files[b.cfgPath]
		assert.True(t, ok, "%s is mounted from the ConfigMap", b.cfgPath)
		// Every file the configuration names is a key of a mounted volume.
		refs := []string{b.cfg.Callers.File}
		for _, s := range b.cfg.Stores {
			if c := s.Credentials; c != nil {
				refs = append(refs, c.AccessKeyID.File, c.SecretAccessKey.File, c.SessionToken.File)
			}
		}
		for _, r := range refs {
			if r != "" {
				_, ok := files[r]
				assert.True(t, ok, "%s is a key of a mounted ConfigMap or Secret", r)
			}
		}
		g := newGateway(t, b) // reads every secret, parses the callers, builds every function
		assert.Equal(t, fmt.Sprintf("http://10.1.2.3:%d", port(t, b.cfg.Listener.Address)), g.SelfURL(),
			"Cluster.Advertise is the pod's IP and the listener's port, as the Deployment sets it")
	})

	t.Run("shutdown fits the grace period", func(t *testing.T) {
		grace := time.Duration(b.pod.TerminationGracePeriodSeconds) * time.Second
		assert.Greater(t, grace, b.cfg.Shutdown.ReadinessDelay+b.cfg.Shutdown.DrainTimeout)
	})

	t.Run("hardened", func(t *testing.T) {
		sc := b.pod.SecurityContext
		require.NotNil(t, sc.RunAsNonRoot)
		assert.True(t, *sc.RunAsNonRoot)
		assert.NotZero(t, sc.RunAsUser)
		csc := b.ctr.SecurityContext
		require.NotNil(t, csc.ReadOnlyRootFilesystem)
		assert.True(t, *csc.ReadOnlyRootFilesystem)
		require.NotNil(t, csc.AllowPrivilegeEscalation)
		assert.False(t, *csc.AllowPrivilegeEscalation)
		assert.Equal(t, []string{"ALL"}, csc.Capabilities.Drop)
		for _, m := range b.ctr.VolumeMounts {
			v := b.pod.Volumes[slices.IndexFunc(b.pod.Volumes, func(v volume) bool { return v.Name == m.Name })]
			if v.EmptyDir == nil {
				assert.True(t, m.ReadOnly, "%s is mounted read-only", m.Name)
			}
			if v.Secret != nil {
				require.NotNil(t, v.Secret.DefaultMode)
				mode := *v.Secret.DefaultMode
				assert.Zero(t, mode&0o007, "secret files are not world-readable")
				assert.True(t, mode&0o040 != 0 && sc.FSGroup == sc.RunAsGroup || mode&0o400 != 0 && sc.FSGroup == 0,
					"the gateway's user can read the secret files")
			}
		}
	})

	t.Run("resources", func(t *testing.T) {
		for _, r := range []string{"cpu", "memory"} {
			assert.NotEmpty(t, b.ctr.Resources.Requests[r], "requests.%s", r)
			assert.NotEmpty(t, b.ctr.Resources.Limits[r], "limits.%s", r)
		}
		limit := bytesOf(t, b.ctr.Resources.Limits["memory"])
		assert.LessOrEqual(t, bytesOf(t, b.ctr.Resources.Requests["memory"]), limit)
		for _, e := range b.ctr.Env {
			if e.Name == "GOMEMLIMIT" {
				assert.Less(t, bytesOf(t, e.Value), limit, "GOMEMLIMIT leaves room under the container's limit")
			}
		}
	})

	t.Run("kustomization lists every manifest", func(t *testing.T) {
		var k kustomization
		data, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
		require.NoError(t, err)
		require.NoError(t, yaml.Unmarshal(data, &k))
		var files []string
		for _, o := range b.objs {
			if o.Kind != "Kustomization" && !slices.Contains(files, o.file) {
				files = append(files, o.file)
			}
		}
		assert.ElementsMatch(t, files, k.Resources)
	})
}

// newGateway builds the gateway the Deployment would run, reading secrets
// from the manifests' mounted files instead of the file system.
func newGateway(t *testing.T, b *bundle) *gateway.Gateway {
	t.Helper()
	files := b.mounted(t)
	env := b.env(t, "10.1.2.3")
	src := config.Source{
		LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok },
		ReadFile: func(p string) ([]byte, error) {
			v, ok := files[p]
			if !ok {
				return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
			}
			return []byte(v), nil
		},
	}
	g, err := gateway.New(context.Background(), b.cfg, append(builtin.Functions(), gateway.WithSource(src))...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = g.Close() })
	return g
}

// env is the container's environment as Kubernetes sets it for a pod at
// podIP: fieldRef status.podIP, and $(VAR) references expanded.
func (b *bundle) env(t *testing.T, podIP string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, e := range b.ctr.Env {
		switch {
		case e.ValueFrom != nil:
			require.Equal(t, "status.podIP", e.ValueFrom.FieldRef.FieldPath, "%s: the only field the gateway needs", e.Name)
			out[e.Name] = podIP
		default:
			v := e.Value
			for k, val := range out {
				v = strings.ReplaceAll(v, "$("+k+")", val)
			}
			out[e.Name] = v
		}
	}
	return out
}

// subset is the entries of m whose keys are in keys.
func subset(m, keys map[string]string) map[string]string {
	out := map[string]string{}
	for k := range keys {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

var quantityRE = regexp.MustCompile(`^([0-9]+)(Ki|Mi|Gi|KiB|MiB|GiB)?$`)

// bytesOf reads a Kubernetes memory quantity or a GOMEMLIMIT value.
func bytesOf(t *testing.T, q string) int64 {
	t.Helper()
	m := quantityRE.FindStringSubmatch(q)
	require.NotNil(t, m, "quantity %q", q)
	n, err := strconv.ParseInt(m[1], 10, 64)
	require.NoError(t, err)
	switch strings.TrimSuffix(m[2], "B") {
	case "Ki":
		n <<= 10
	case "Mi":
		n <<= 20
	case "Gi":
		n <<= 30
	}
	return n
}

// TestDockerfile: a static binary on distroless, as a non-root user, with
// the ports and configuration path the manifests use.
func TestDockerfile(t *testing.T) {
	b := load(t)
	f, err := os.Open("../Dockerfile")
	require.NoError(t, err)
	defer f.Close()
	var stages []string
	var lines []string
	sc := bufio.NewScanner(f)
	var cont string
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cont += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line, cont = cont+line, ""
		lines = append(lines, line)
		if strings.HasPrefix(line, "FROM ") {
			stages = append(stages, line)
		}
	}
	require.NoError(t, sc.Err())
	require.GreaterOrEqual(t, len(stages), 2, "a build stage and a runtime stage")
	final := stages[len(stages)-1]
	assert.Regexp(t, `^FROM gcr\.io/distroless/static(-debian\d+)?:nonroot`, final)
	finalAt := slices.Index(lines, final)
	runtime := lines[finalAt:]

	var build, user, expose, entry, cmd string
	for _, l := range lines[:finalAt] {
		if strings.Contains(l, "go build") {
			build = l
		}
	}
	for _, l := range runtime {
		switch {
		case strings.HasPrefix(l, "USER "):
			user = strings.TrimPrefix(l, "USER ")
		case strings.HasPrefix(l, "EXPOSE "):
			expose = strings.TrimPrefix(l, "EXPOSE ")
		case strings.HasPrefix(l, "ENTRYPOINT "):
			entry = strings.TrimPrefix(l, "ENTRYPOINT ")
		case strings.HasPrefix(l, "CMD "):
			cmd = strings.TrimPrefix(l, "CMD ")
		}
	}
	assert.Contains(t, build, "CGO_ENABLED=0", "a static binary")
	assert.Contains(t, build, "./cmd/objectlambda-gateway")
	assert.Contains(t, []string{"65532:65532", "65532", "nonroot", "nonroot:nonroot"}, user, "not root")
	assert.Equal(t, strconv.Itoa(b.pod.SecurityContext.RunAsUser), strings.Split(user, ":")[0], "the manifests run the image's user")
	ports := strings.Fields(expose)
	assert.Contains(t, ports, strconv.Itoa(b.containerPort(t, "http")))
	assert.Contains(t, ports, strconv.Itoa(b.containerPort(t, "admin")))
	assert.Equal(t, `["/usr/local/bin/objectlambda-gateway"]`, entry)
	assert.Equal(t, `["-config", "`+b.cfgPath+`"]`, cmd, "the image's default configuration path is where the manifests mount it")
}
