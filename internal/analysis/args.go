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

package analysis

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"kurator.dev/kurator/api/argoproj/v1alpha1"
)

// The args Kurator's rollouts pass to every analysis, whether or not the
// template declares them.
const (
	// ArgCluster is the member cluster's name; empty for the fleet-wide run.
	ArgCluster = "cluster"
	// ArgClusterRegex matches the cluster label of the run's series: the
	// member's name (dots escaped as [.]), or .* for the fleet-wide run, so
	// one query serves both: {cluster=~"{{args.cluster-regex}}"}.
	ArgClusterRegex = "cluster-regex"
	// ArgNamespace is the namespace of the workload being rolled out.
	ArgNamespace = "namespace"
	// ArgWorkload is the name of the workload being rolled out.
	ArgWorkload = "workload"
)

// RunArgs returns the args a rollout passes for one cluster's run (cluster
// empty for the fleet-wide run).
func RunArgs(cluster, namespace, workload string) map[string]string {
	regex := ".*"
	if cluster != "" {
		// Cluster names are DNS names: a dot is their only regex
		// metacharacter, and [.] needs no escaping inside a PromQL string.
		regex = strings.ReplaceAll(cluster, ".", "[.]")
	}
	return map[string]string{
		ArgCluster:      cluster,
		ArgClusterRegex: regex,
		ArgNamespace:    namespace,
		ArgWorkload:     workload,
	}
}

// ResolveArgs merges a template's args with the values the caller gives:
// a given value wins over the template's default. Values given for args
// the template does not declare are kept, so templates may use Kurator's
// run args without declaring them. An arg with neither is an error naming
// it; so is one that only has valueFrom, which Kurator does not read.
func ResolveArgs(declared []v1alpha1.Argument, given map[string]string) (map[string]string, error) {
	out := maps.Clone(given)
	if out == nil {
		out = map[string]string{}
	}
	var errs []error
	for _, arg := range declared {
		if _, ok := given[arg.Name]; ok {
			continue
		}
		switch {
		case arg.Value != nil:
			out[arg.Name] = *arg.Value
		case arg.ValueFrom != nil && arg.ValueFrom.SecretKeyRef != nil:
			errs = append(errs, fmt.Errorf("args.%s: valueFrom.secretKeyRef is not supported by Kurator; give the value in the rollout's args", arg.Name))
		case arg.ValueFrom != nil && arg.ValueFrom.FieldRef != nil:
			errs = append(errs, fmt.Errorf("args.%s: valueFrom.fieldRef is not supported by Kurator; give the value in the rollout's args", arg.Name))
		default:
			errs = append(errs, fmt.Errorf("args.%s has no value: give it in the rollout's args or as a default in the template", arg.Name))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// Substitute replaces every {{args.NAME}} in s (spaces inside the braces
// allowed) with the arg's value. An unknown arg, any other {{...}} tag and
// an unterminated {{ are errors.
func Substitute(s string, args map[string]string) (string, error) {
	return substitute(s, func(v string) string { return v }, args)
}

// substitute is Substitute with each value passed through escape first.
func substitute(s string, escape func(string) string, args map[string]string) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	var b strings.Builder
	var unknown []string
	rest := s
	for {
		start := strings.Index(rest, "{{")
		if start < 0 {
			b.WriteString(rest)
			break
		}
		end := strings.Index(rest[start+2:], "}}")
		if end < 0 {
			return "", errors.New("unterminated {{: want {{args.NAME}}")
		}
		b.WriteString(rest[:start])
		tag := strings.TrimSpace(rest[start+2 : start+2+end])
		name, isArg := strings.CutPrefix(tag, "args.")
		value, known := args[name]
		if isArg && known {
			b.WriteString(escape(value))
		} else {
			unknown = append(unknown, "{{"+tag+"}}")
		}
		rest = rest[start+2+end+2:]
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return "", fmt.Errorf("cannot resolve %s: no such arg", strings.Join(slices.Compact(unknown), ", "))
	}
	return b.String(), nil
}
