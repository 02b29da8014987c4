package main

import (
	"fmt"

	"github.com/distribution/reference"
)

// checkImage accepts a pullable image reference with an explicit tag (not `latest`) or a digest.
func checkImage(ref string) error {
	named, err := reference.ParseNormalizedNamed(ref)
	if err != nil {
		return fmt.Errorf("image %q is not a valid reference: %v", ref, err)
	}
	if _, ok := named.(reference.Digested); ok {
		return nil
	}
	tagged, ok := named.(reference.Tagged)
	if !ok {
		return fmt.Errorf("image %q has no tag: pin a version", ref)
	}
	if tagged.Tag() == "latest" {
		return fmt.Errorf("image %q uses the tag latest: pin a version", ref)
	}
	return nil
}
