//go:build ignore

// check-github-config checks what actionlint does not: that .github/
// dependabot.yml is well formed and covers every Go module of the
// repository and the workflows' actions, that the CI workflow runs the
// README's test command on the Go version of go.mod, and that the fuzz
// workflow runs scripts/fuzz.sh on a schedule. scripts/check-release.sh runs
// it from the repository root:
//
//	go run scripts/check-github-config.go
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

func main() {
	var problems []error
	problems = append(problems, checkDependabot()...)
	problems = append(problems, checkWorkflows()...)
	for _, p := range problems {
		fmt.Fprintln(os.Stderr, "check-github-config:", p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}

// dependabotConfig is the part of the dependabot.yml schema the repository
// uses; decoding is strict, so a misspelt key is an error.
type dependabotConfig struct {
	Version int                `yaml:"version"`
	Updates []dependabotUpdate `yaml:"updates"`
}

type dependabotUpdate struct {
	Ecosystem     string                     `yaml:"package-ecosystem"`
	Directory     string                     `yaml:"directory"`
	Directories   []string                   `yaml:"directories"`
	Schedule      dependabotSchedule         `yaml:"schedule"`
	CommitMessage dependabotCommitMessage    `yaml:"commit-message"`
	Groups        map[string]dependabotGroup `yaml:"groups"`
}

type dependabotSchedule struct {
	Interval string `yaml:"interval"`
	Day      string `yaml:"day"`
	Time     string `yaml:"time"`
}

type dependabotCommitMessage struct {
	Prefix string `yaml:"prefix"`
}

type dependabotGroup struct {
	Patterns []string `yaml:"patterns"`
}

func checkDependabot() []error {
	const file = ".github/dependabot.yml"
	b, err := os.ReadFile(file)
	if err != nil {
		return []error{err}
	}
	var cfg dependabotConfig
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return []error{fmt.Errorf("%s: %w", file, err)}
	}
	var errs []error
	if cfg.Version != 2 {
		errs = append(errs, fmt.Errorf("%s: version is %d, want 2", file, cfg.Version))
	}
	covered := map[string][]string{}
	for i, u := range cfg.Updates {
		dirs := u.Directories
		if u.Directory != "" {
			dirs = append(dirs, u.Directory)
		}
		switch {
		case u.Ecosystem != "gomod" && u.Ecosystem != "github-actions":
			errs = append(errs, fmt.Errorf("%s: update %d: unexpected package-ecosystem %q", file, i, u.Ecosystem))
		case len(dirs) == 0:
			errs = append(errs, fmt.Errorf("%s: update %d: no directory", file, i))
		case !slices.Contains([]string{"daily", "weekly", "monthly"}, u.Schedule.Interval):
			errs = append(errs, fmt.Errorf("%s: update %d: schedule.interval %q", file, i, u.Schedule.Interval))
		}
		covered[u.Ecosystem] = append(covered[u.Ecosystem], dirs...)
	}
	modules, err := goModuleDirs()
	if err != nil {
		return append(errs, err)
	}
	for _, dir := range modules {
		if !slices.Contains(covered["gomod"], dir) {
			errs = append(errs, fmt.Errorf("%s: the Go module in %s has no gomod update", file, dir))
		}
	}
	for _, dir := range covered["gomod"] {
		if !slices.Contains(modules, dir) {
			errs = append(errs, fmt.Errorf("%s: gomod update for %s, which holds no go.mod", file, dir))
		}
	}
	if !slices.Contains(covered["github-actions"], "/") {
		errs = append(errs, fmt.Errorf("%s: no github-actions update for /", file))
	}
	return errs
}

// goModuleDirs lists the directories of the committed go.mod files in
// dependabot's form ("/", "/encryption/internal/interop").
func goModuleDirs() ([]string, error) {
	out, err := exec.Command("git", "ls-files", "--", "go.mod", "*/go.mod").Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files: %w", err)
	}
	var dirs []string
	for _, f := range strings.Fields(string(out)) {
		dirs = append(dirs, path.Clean("/"+path.Dir(f)))
	}
	return dirs, nil
}

// step is the part of a workflow step checked here.
type step struct {
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
}

type workflow struct {
	On   map[string]any `yaml:"on"`
	Jobs map[string]struct {
		Steps []step `yaml:"steps"`
	} `yaml:"jobs"`
}

func loadWorkflow(file string) (*workflow, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var w workflow
	if err := yaml.Unmarshal(b, &w); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &w, nil
}

// steps returns every step of every job.
func (w *workflow) steps() []step {
	var out []step
	for _, j := range w.Jobs {
		out = append(out, j.Steps...)
	}
	return out
}

func checkWorkflows() []error {
	var errs []error
	testCmd, err := readmeTestCommand()
	if err != nil {
		errs = append(errs, err)
	}
	goVersion, err := goModVersion()
	if err != nil {
		errs = append(errs, err)
	}

	const ci = ".github/workflows/ci.yml"
	if w, err := loadWorkflow(ci); err != nil {
		errs = append(errs, err)
	} else {
		runsTest, goSet := false, false
		for _, s := range w.steps() {
			runsTest = runsTest || (testCmd != "" && strings.TrimSpace(s.Run) == testCmd)
			if strings.HasPrefix(s.Uses, "actions/setup-go@") {
				goSet = true
				if s.With["go-version"] != goVersion {
					errs = append(errs, fmt.Errorf("%s: setup-go installs Go %q, go.mod says %s", ci, s.With["go-version"], goVersion))
				}
			}
		}
		if !runsTest {
			errs = append(errs, fmt.Errorf("%s: no step runs the README's test command %q", ci, testCmd))
		}
		if !goSet {
			errs = append(errs, fmt.Errorf("%s: no actions/setup-go step", ci))
		}
		for _, event := range []string{"push", "pull_request"} {
			if _, ok := w.On[event]; !ok {
				errs = append(errs, fmt.Errorf("%s: not run on %s", ci, event))
			}
		}
	}

	const fuzz = ".github/workflows/fuzz.yml"
	if w, err := loadWorkflow(fuzz); err != nil {
		errs = append(errs, err)
	} else {
		if _, ok := w.On["schedule"]; !ok {
			errs = append(errs, fmt.Errorf("%s: no schedule", fuzz))
		}
		if !slices.ContainsFunc(w.steps(), func(s step) bool { return strings.Contains(s.Run, "scripts/fuzz.sh") }) {
			errs = append(errs, fmt.Errorf("%s: no step runs scripts/fuzz.sh", fuzz))
		}
	}
	return errs
}

// readmeTestCommand is the command the README gives for running every
// check: the line of its first code block that names scripts/test.sh.
func readmeTestCommand() (string, error) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile("(?m)^(bash scripts/test\\.sh)\\b").FindSubmatch(b)
	if m == nil {
		return "", errors.New("README.md: no line starting with \"bash scripts/test.sh\"")
	}
	return string(m[1]), nil
}

// goModVersion is the major.minor Go version of the main module ("1.26").
func goModVersion() (string, error) {
	b, err := os.ReadFile("go.mod")
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(b)
	if m == nil {
		return "", errors.New("go.mod: no go directive")
	}
	return string(m[1]), nil
}
