package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

var argReference = regexp.MustCompile(`\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?`)

// checkDockerfile parses with BuildKit (the parser `docker build` uses), runs all of BuildKit's lint
// rules (as `docker build --check` does), and adds Ratsweg's rules: every base image pinned, COPY sources
// present in the build context (the repository root), and a final stage that runs as a non-root
// user with a HEALTHCHECK.
func checkDockerfile(f *findings, context, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		f.add(file, "%v", err)
		return
	}
	result, err := parser.Parse(bytes.NewReader(data))
	if err != nil {
		f.add(file, "does not parse: %v", err)
		return
	}
	for _, warning := range result.Warnings {
		f.add(file, "parser: %s", warning.Short)
	}
	// Every lint rule of `docker build --check`; the parse below only feeds Ratsweg's rules.
	buildCheck(f, file, data)
	stages, metaArgs, err := instructions.Parse(result.AST, linter.New(&linter.Config{SkipAll: true}))
	if err != nil {
		f.add(file, "instructions: %v", err)
		return
	}
	if len(stages) == 0 {
		f.add(file, "has no FROM")
		return
	}
	defaults := map[string]string{}
	for _, arg := range metaArgs {
		for _, kv := range arg.Args {
			if kv.Value != nil {
				defaults[kv.Key] = *kv.Value
			}
		}
	}
	stageNames := map[string]bool{}
	for _, stage := range stages {
		base := argReference.ReplaceAllStringFunc(stage.BaseName, func(m string) string {
			name := argReference.FindStringSubmatch(m)[1]
			if value, ok := defaults[name]; ok {
				return value
			}
			f.add(file, "FROM %s: ARG %s has no default", stage.BaseName, name)
			return m
		})
		if !stageNames[strings.ToLower(base)] && base != "scratch" {
			if err := checkImage(base); err != nil {
				f.add(file, "FROM: %v", err)
			}
		}
		if stage.Name != "" {
			stageNames[strings.ToLower(stage.Name)] = true
		}
		for _, command := range stage.Commands {
			copyCommand, ok := command.(*instructions.CopyCommand)
			if !ok {
				continue
			}
			if copyCommand.From != "" {
				if !stageNames[strings.ToLower(copyCommand.From)] {
					if err := checkImage(copyCommand.From); err != nil {
						f.add(file, "COPY --from=%s: neither an earlier stage nor a pinned image", copyCommand.From)
					}
				}
				continue
			}
			for _, source := range copyCommand.SourcePaths {
				matches, _ := filepath.Glob(filepath.Join(context, source))
				if len(matches) == 0 {
					f.add(file, "COPY %s: no such file in the build context %s", source, context)
				}
			}
		}
	}
	final := stages[len(stages)-1]
	var user string
	var healthcheck bool
	for _, c := range final.Commands {
		switch c := c.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.HealthCheckCommand:
			healthcheck = c.Health != nil && len(c.Health.Test) > 0 && c.Health.Test[0] != "NONE"
		}
	}
	if user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") || strings.HasPrefix(user, "root:") {
		f.add(file, "final stage %q runs as root: add USER with an unprivileged user", final.Name)
	}
	if !healthcheck {
		f.add(file, "final stage %q has no HEALTHCHECK", final.Name)
	}
}
