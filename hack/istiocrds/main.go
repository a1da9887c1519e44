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

// Command istiocrds extracts Istio's networking CustomResourceDefinitions
// (VirtualService, DestinationRule, ServiceEntry, Gateway) from the
// istio.io/api module that go.mod selects, as Istio publishes them, into
// one file each under config/crd/istio. "make generate" runs it:
//
//	go run ./hack/istiocrds -out config/crd/istio
//
// The documents are copied byte for byte; only a header saying where they
// come from is added. Bumping istio.io/api in go.mod and running "make
// generate" updates them.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"
)

const (
	module = "istio.io/api"
	// bundle is the file of the module holding every Istio CRD.
	bundle = "kubernetes/customresourcedefinitions.gen.yaml"
	group  = "networking.istio.io"
)

// plurals are the resources extracted; each becomes
// networking.istio.io_<plural>.yaml.
var plurals = []string{"destinationrules", "gateways", "serviceentries", "virtualservices"}

// versions are the versions Istio serves of each of them.
var versions = []string{"v1", "v1alpha3", "v1beta1"}

// separator splits a multi-document YAML stream.
var separator = regexp.MustCompile(`(?m)^---[ \t]*$`)

func main() {
	out := flag.String("out", "config/crd/istio", "directory to write the CRDs to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "istiocrds:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	dir, version, err := locateModule()
	if err != nil {
		return err
	}
	data, err := os.ReadFile(filepath.Join(dir, bundle))
	if err != nil {
		return err
	}
	docs, err := networkingDocuments(data)
	if err != nil {
		return fmt.Errorf("%s@%s %s: %w", module, version, bundle, err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	// Files of resources no longer extracted must not stay embedded.
	stale, err := filepath.Glob(filepath.Join(out, "*.yaml"))
	if err != nil {
		return err
	}
	for _, f := range stale {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	for _, plural := range plurals {
		header := fmt.Sprintf("# Extracted by hack/istiocrds from %s %s (%s); do not edit.\n"+
			"# Istio's API definitions are Copyright Istio Authors, licensed under the\n"+
			"# Apache License, Version 2.0.\n", module, version, bundle)
		name := filepath.Join(out, group+"_"+plural+".yaml")
		if err := os.WriteFile(name, append([]byte(header), docs[plural]...), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// locateModule downloads (if needed) the istio.io/api version that go.mod
// selects and returns its directory and version.
func locateModule() (string, string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command("go", "mod", "download", "-json", module)
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		return "", "", fmt.Errorf("go mod download %s: %w: %s", module, err, strings.TrimSpace(stderr.String()))
	}
	var info struct {
		Dir, Version, Error string
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		return "", "", err
	}
	if info.Error != "" || info.Dir == "" {
		return "", "", fmt.Errorf("go mod download %s: %s", module, info.Error)
	}
	return info.Dir, info.Version, nil
}

// crdHead is what is checked of each document.
type crdHead struct {
	Kind     string `json:"kind"`
	Metadata struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Group    string `json:"group"`
		Versions []struct {
			Name   string `json:"name"`
			Served bool   `json:"served"`
		} `json:"versions"`
	} `json:"spec"`
}

// networkingDocuments returns the bundle's document of each extracted
// resource, by plural, unchanged but for surrounding blank lines. Each must
// serve every expected version.
func networkingDocuments(data []byte) (map[string][]byte, error) {
	found := map[string][]byte{}
	for _, doc := range separator.Split(string(data), -1) {
		var head crdHead
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			return nil, err
		}
		plural, ok := strings.CutSuffix(head.Metadata.Name, "."+group)
		if head.Kind != "CustomResourceDefinition" || !ok || !slices.Contains(plurals, plural) {
			continue
		}
		if _, dup := found[plural]; dup {
			return nil, fmt.Errorf("%s is defined twice", head.Metadata.Name)
		}
		var served []string
		for _, v := range head.Spec.Versions {
			if v.Served {
				served = append(served, v.Name)
			}
		}
		slices.Sort(served)
		if head.Spec.Group != group || !slices.Equal(served, versions) {
			return nil, fmt.Errorf("%s: group %s serving %v, want %s serving %v", head.Metadata.Name, head.Spec.Group, served, group, versions)
		}
		found[plural] = []byte(strings.Trim(doc, "\n") + "\n")
	}
	var missing []string
	for _, p := range plurals {
		if found[p] == nil {
			missing = append(missing, p+"."+group)
		}
	}
	if len(missing) > 0 {
		return nil, errors.New("no CustomResourceDefinition " + strings.Join(missing, ", "))
	}
	return found, nil
}
