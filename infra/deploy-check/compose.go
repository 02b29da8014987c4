package main

import (
	"context"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/dotenv"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// checkCompose loads the file as `docker compose` does (compose-go: interpolation with the example
// env file, validation against the compose-spec JSON schema, which rejects unknown keys) and adds
// Ratsweg's rules: pinned images, existing Dockerfiles and bind-mounted files, and a healthcheck on
// every service that another one waits for with `condition: service_healthy`.
func checkCompose(f *findings, file, envFile string) int {
	env, err := dotenv.Read(envFile)
	if err != nil {
		f.add(envFile, "%v", err)
		return 0
	}
	dir := filepath.Dir(file)
	data, err := os.ReadFile(file)
	if err != nil {
		f.add(file, "%v", err)
		return 0
	}
	project, err := loader.LoadWithContext(context.Background(), types.ConfigDetails{
		WorkingDir:  dir,
		ConfigFiles: []types.ConfigFile{{Filename: file, Content: data}},
		Environment: env,
	}, func(o *loader.Options) {
		o.SetProjectName("ratsweg", true)
		o.ResolvePaths = true
	})
	if err != nil {
		f.add(file, "does not load: %v", err)
		return 0
	}
	names := make([]string, 0, len(project.Services))
	for name := range project.Services {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		service := project.Services[name]
		if service.Image == "" {
			f.add(file, "service %s has no image", name)
		} else if err := checkImage(service.Image); err != nil {
			f.add(file, "service %s: %v", name, err)
		}
		if service.Build != nil {
			dockerfile := service.Build.Dockerfile
			if !filepath.IsAbs(dockerfile) {
				dockerfile = filepath.Join(service.Build.Context, dockerfile)
			}
			if _, err := os.Stat(dockerfile); err != nil {
				f.add(file, "service %s: Dockerfile %s not found", name, dockerfile)
			}
		}
		for _, volume := range service.Volumes {
			if volume.Type == types.VolumeTypeBind {
				if _, err := os.Stat(volume.Source); err != nil {
					f.add(file, "service %s: bind-mounted %s does not exist", name, volume.Source)
				}
			}
		}
		for dependency, condition := range service.DependsOn {
			target, ok := project.Services[dependency]
			if !ok {
				f.add(file, "service %s depends on unknown service %s", name, dependency)
				continue
			}
			if condition.Condition == types.ServiceConditionHealthy && (target.HealthCheck == nil || target.HealthCheck.Disable) {
				f.add(file, "service %s waits for %s to be healthy, but %s has no healthcheck", name, dependency, dependency)
			}
			if condition.Condition == types.ServiceConditionCompletedSuccessfully && target.Restart != "" && target.Restart != "no" {
				f.add(file, "service %s waits for %s to complete, but %s restarts (%s)", name, dependency, dependency, target.Restart)
			}
		}
	}
	return len(names)
}
