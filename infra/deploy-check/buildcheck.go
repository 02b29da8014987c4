package main

import (
	"context"
	"encoding/json"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/opencontainers/go-digest"
)

// offlineResolver answers BuildKit's base-image look-ups without a registry: a linux/amd64 image
// with the usual PATH. The lint rules need only that an image exists, not its content.
type offlineResolver struct{}

func (offlineResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	config, err := json.Marshal(map[string]any{
		"architecture": "amd64",
		"os":           "linux",
		"config":       map[string]any{"Env": []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
	})
	return ref, digest.FromBytes(config), config, err
}

// buildCheck runs every rule of `docker build --check` (BuildKit's DockerfileLint: the
// Dockerfile converted for all stages, as a build would, with the base images answered offline).
func buildCheck(f *findings, file string, data []byte) {
	ctx := context.Background()
	source := llb.Scratch()
	sourceMap := llb.NewSourceMap(&source, file, "Dockerfile", data)
	definition, err := source.Marshal(ctx)
	if err != nil {
		f.add(file, "build check: %v", err)
		return
	}
	sourceMap.Definition = definition
	results, err := dockerfile2llb.DockerfileLint(ctx, data, dockerfile2llb.ConvertOpt{SourceMap: sourceMap, MetaResolver: offlineResolver{}})
	if err != nil {
		f.add(file, "build check: %v", err)
		return
	}
	if results.Error != nil {
		f.add(file, "build check: %s", results.Error.Message)
	}
	for _, warning := range results.Warnings {
		line := int32(0)
		if warning.Location != nil && len(warning.Location.Ranges) > 0 && warning.Location.Ranges[0].Start != nil {
			line = warning.Location.Ranges[0].Start.Line
		}
		f.add(file, "line %d: %s: %s", line, warning.RuleName, warning.Detail)
	}
}
