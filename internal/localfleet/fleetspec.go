/*
Copyright 2026 The Kurator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

	http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/
package localfleet

import (
	_ "embed"
	"fmt"
	"os"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	fleetv1alpha1 "kurator.dev/kurator/api/fleet/v1alpha1"
	"kurator.dev/kurator/internal/join"
	"kurator.dev/kurator/internal/localcluster"
)

// NodePoolsAnnotation on a Fleet sets the simulated nodes per member, as JSON:
// {"cluster-hangzhou": {"count": 5, "cpu": "8", "memory": "32Gi", "pods": 110}}.
// Fields left out take the defaults (3 nodes of 4 CPU / 16Gi / 110 pods).
const NodePoolsAnnotation = "local.kurator.dev/node-pools"

// LoadAnnotation on a Fleet sets the simulated request load of every member,
// as JSON: {"defaultRPS": 200}. Fields left out take the defaults
// (localcluster.DefaultLoadModel).
const LoadAnnotation = "local.kurator.dev/simulated-load"

// defaultFleet is the seed's three-cluster fleet (examples/seed/01-fleet.yaml).
//
//go:embed default-fleet.yaml
var defaultFleet []byte

// fleetSpec is a parsed fleet file: the Fleet object and one member per cluster.
type fleetSpec struct {
	Raw     []byte
	Fleet   *fleetv1alpha1.Fleet
	Members []localcluster.Config
}

func loadFleetSpec(path string, defaults localcluster.NodePool) (*fleetSpec, error) {
	raw := defaultFleet
	if path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("read fleet file: %w", err)
		}
		raw = data
	}
	spec, err := parseFleetSpec(raw, defaults)
	if err != nil && path != "" {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return spec, err
}

func parseFleetSpec(raw []byte, defaults localcluster.NodePool) (*fleetSpec, error) {
	fleet := &fleetv1alpha1.Fleet{}
	if err := yaml.UnmarshalStrict(raw, fleet); err != nil {
		return nil, fmt.Errorf("not a valid Fleet: %w", err)
	}
	if fleet.Kind != "Fleet" || fleet.APIVersion != fleetv1alpha1.SchemeGroupVersion.String() {
		return nil, fmt.Errorf("expected kind Fleet of %s, got %s %s", fleetv1alpha1.SchemeGroupVersion, fleet.APIVersion, fleet.Kind)
	}
	if fleet.Name == "" {
		return nil, fmt.Errorf("the Fleet has no metadata.name")
	}
	if fleet.Namespace == "" {
		fleet.Namespace = join.DefaultNamespace
	}
	if len(fleet.Spec.Clusters) == 0 {
		return nil, fmt.Errorf("fleet %s lists no clusters", fleet.Name)
	}
	pools := map[string]localcluster.NodePool{}
	if v, ok := fleet.Annotations[NodePoolsAnnotation]; ok {
		// Strict like the rest of the file: a misspelt field must not
		// silently fall back to the default.
		if err := yaml.UnmarshalStrict([]byte(v), &pools); err != nil {
			return nil, fmt.Errorf("annotation %s: %w", NodePoolsAnnotation, err)
		}
	}
	load := localcluster.DefaultLoadModel()
	if v, ok := fleet.Annotations[LoadAnnotation]; ok {
		if err := yaml.UnmarshalStrict([]byte(v), &load); err != nil {
			return nil, fmt.Errorf("annotation %s: %w", LoadAnnotation, err)
		}
		if load.DefaultRPS < 0 {
			return nil, fmt.Errorf("annotation %s: defaultRPS %v must not be negative", LoadAnnotation, load.DefaultRPS)
		}
	}
	spec := &fleetSpec{Raw: raw, Fleet: fleet}
	listed := map[string]bool{}
	for _, c := range fleet.Spec.Clusters {
		if errs := validation.IsDNS1123Label(c.Name); len(errs) > 0 {
			return nil, fmt.Errorf("cluster name %q: %s", c.Name, errs[0])
		}
		if listed[c.Name] {
			return nil, fmt.Errorf("cluster name %q is used twice", c.Name)
		}
		if slices.Contains(reservedNames(), c.Name) {
			return nil, fmt.Errorf("cluster name %q is reserved for the local fleet's own components (%s)", c.Name, strings.Join(reservedNames(), ", "))
		}
		listed[c.Name] = true
		pool := mergePool(pools[c.Name], defaults)
		if err := pool.Validate(); err != nil {
			return nil, fmt.Errorf("cluster %s: %w", c.Name, err)
		}
		spec.Members = append(spec.Members, localcluster.Config{Name: c.Name, Role: localcluster.RoleMember, Nodes: pool, Load: load, Labels: c.Labels})
	}
	for name := range pools {
		if !listed[name] {
			return nil, fmt.Errorf("annotation %s names cluster %q, which the fleet does not list", NodePoolsAnnotation, name)
		}
	}
	return spec, nil
}

func mergePool(p, defaults localcluster.NodePool) localcluster.NodePool {
	if p.Count == 0 {
		p.Count = defaults.Count
	}
	if p.CPU == "" {
		p.CPU = defaults.CPU
	}
	if p.Memory == "" {
		p.Memory = defaults.Memory
	}
	if p.Pods == 0 {
		p.Pods = defaults.Pods
	}
	return p
}
