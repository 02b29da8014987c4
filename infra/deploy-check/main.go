// deploy-check validates Ratsweg's deployment files without a container engine or a cluster:
//
//	deploy-check dockerfile <context-dir> <Dockerfile>...   BuildKit's parser and linter, plus Ratsweg's rules
//	deploy-check compose <compose.yaml> <env-file>          compose-go's loader (compose-spec schema), plus rules
//	deploy-check kustomize <dir>                            kustomize render, strict decoding into the Kubernetes API types, plus rules
//	deploy-check manifests <file.yaml>                      strict decoding of rendered manifests (e.g. `helm template` output)
//
// Every problem is printed as "<file>: <problem>"; the exit code is 1 when there is any.
package main

import (
	"fmt"
	"os"
	"sort"
)

type findings struct{ list []string }

func (f *findings) add(file, format string, args ...any) {
	f.list = append(f.list, fmt.Sprintf("%s: %s", file, fmt.Sprintf(format, args...)))
}

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: deploy-check dockerfile <context> <Dockerfile>... | compose <compose.yaml> <env-file> | kustomize <dir> | manifests <file.yaml>")
		os.Exit(2)
	}
	f := &findings{}
	var checked string
	switch os.Args[1] {
	case "dockerfile":
		for _, file := range os.Args[3:] {
			checkDockerfile(f, os.Args[2], file)
		}
		checked = fmt.Sprintf("%d Dockerfile(s)", len(os.Args)-3)
	case "compose":
		if len(os.Args) != 4 {
			fmt.Fprintln(os.Stderr, "usage: deploy-check compose <compose.yaml> <env-file>")
			os.Exit(2)
		}
		n := checkCompose(f, os.Args[2], os.Args[3])
		checked = fmt.Sprintf("%s (%d services)", os.Args[2], n)
	case "kustomize":
		n := checkKustomize(f, os.Args[2])
		checked = fmt.Sprintf("%s (%d objects)", os.Args[2], n)
	case "manifests":
		n := checkManifestFile(f, os.Args[2])
		checked = fmt.Sprintf("%s (%d objects)", os.Args[2], n)
	default:
		fmt.Fprintf(os.Stderr, "unknown check %q\n", os.Args[1])
		os.Exit(2)
	}
	sort.Strings(f.list)
	for _, line := range f.list {
		fmt.Println(line)
	}
	if len(f.list) > 0 {
		fmt.Printf("deploy-check %s: %d problem(s) in %s\n", os.Args[1], len(f.list), checked)
		os.Exit(1)
	}
	fmt.Printf("deploy-check %s: %s OK\n", os.Args[1], checked)
}
