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

package cli

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	policyv1alpha1 "kurator.dev/kurator/api/policy/v1alpha1"
	"kurator.dev/kurator/internal/overrideusage"
)

func newDescribeOverridePolicyCommand(streams genericiooptions.IOStreams) *cobra.Command {
	return newDescribeOverrideCommand(streams, false)
}

func newDescribeClusterOverridePolicyCommand(streams genericiooptions.IOStreams) *cobra.Command {
	return newDescribeOverrideCommand(streams, true)
}

func newDescribeOverrideCommand(streams genericiooptions.IOStreams, cluster bool) *cobra.Command {
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:     "overridepolicy NAME",
		Aliases: []string{"op"},
		Short:   "Show an OverridePolicy's rules, the templates and clusters it changed, and where it failed",
		Long: `Show an override policy: its resource selectors, its rules (target clusters and a
one-line summary of each overrider), then the templates and member clusters it
changed with the rules applied (read from the kurator.dev/applied-overrides
annotation of the rendered manifests in the Works), the bindings whose manifests
it failed to render (Rendered=False) and recent events.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cp.client()
			if err != nil {
				return err
			}
			var (
				ns, kind string
				uid      types.UID
				spec     *policyv1alpha1.OverrideSpec
			)
			if cluster {
				p := &policyv1alpha1.ClusterOverridePolicy{}
				if err := c.Get(cmd.Context(), client.ObjectKey{Name: args[0]}, p); err != nil {
					return err
				}
				kind, uid, spec = "ClusterOverridePolicy", p.UID, &p.Spec
			} else {
				p := &policyv1alpha1.OverridePolicy{}
				if err := c.Get(cmd.Context(), client.ObjectKey{Namespace: cp.namespace("default"), Name: args[0]}, p); err != nil {
					return err
				}
				kind, ns, uid, spec = "OverridePolicy", p.Namespace, p.UID, &p.Spec
			}
			usage, err := overrideusage.Of(cmd.Context(), c, ns, args[0], uid)
			if err != nil {
				return err
			}
			describeOverridePolicy(streams.Out, kind, ns, args[0], spec, usage, time.Now())
			return nil
		},
	}
	if cluster {
		cmd.Use, cmd.Aliases = "clusteroverridepolicy NAME", []string{"cop"}
		cmd.Short = "Show a ClusterOverridePolicy's rules, the templates and clusters it changed, and where it failed"
	}
	cp.AddFlags(cmd.Flags())
	return cmd
}

func describeOverridePolicy(w io.Writer, kind, ns, name string, spec *policyv1alpha1.OverrideSpec, u *overrideusage.Usage, now time.Time) {
	fmt.Fprintf(w, "Name:         %s\n", name)
	if ns != "" {
		fmt.Fprintf(w, "Namespace:    %s\n", ns)
	}
	fmt.Fprintf(w, "Kind:         %s\n", kind)
	if len(spec.ResourceSelectors) == 0 {
		scope := "every resource"
		if ns != "" {
			scope += " in namespace " + ns
		}
		fmt.Fprintf(w, "Selectors:    <none: %s>\n", scope)
	} else {
		fmt.Fprintln(w, "Selectors:")
		for _, s := range spec.ResourceSelectors {
			fmt.Fprintf(w, "  %s\n", selectorString(s))
		}
	}
	fmt.Fprintln(w, "Rules:")
	rules := spec.OverrideRules
	index := func(i int) int { return i }
	if len(rules) == 0 {
		// The deprecated top-level form is one rule, recorded as -1.
		rules = []policyv1alpha1.RuleWithCluster{{TargetCluster: spec.TargetCluster, Overriders: spec.Overriders}}
		index = func(int) int { return -1 }
	}
	for i, r := range rules {
		fmt.Fprintf(w, "  [%d] clusters: %s\n", index(i), targetString(r.TargetCluster))
		lines := overriderLines(&r.Overriders)
		if len(lines) == 0 {
			fmt.Fprintln(w, "      <no overriders>")
		}
		for _, l := range lines {
			fmt.Fprintf(w, "      %s\n", l)
		}
	}
	if len(u.Applied) == 0 {
		fmt.Fprintln(w, "Applied to:   <none>")
	} else {
		fmt.Fprintln(w, "Applied to:")
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  TEMPLATE\tCLUSTER\tRULES")
		for _, a := range u.Applied {
			rules := make([]string, len(a.Rules))
			for i, r := range a.Rules {
				rules[i] = strconv.Itoa(r)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", a.Template, a.Cluster, strings.Join(rules, ","))
		}
		_ = tw.Flush()
	}
	if len(u.Failures) == 0 {
		fmt.Fprintln(w, "Failed:       <none>")
	} else {
		fmt.Fprintln(w, "Failed (Rendered=False):")
		tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "  BINDING\tCLUSTER\tERROR")
		for _, f := range u.Failures {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", f.Binding, f.Cluster, f.Message)
		}
		_ = tw.Flush()
	}
	printEvents(w, u.Events, now)
}

// selectorString is one resource selector on a line.
func selectorString(s policyv1alpha1.ResourceSelector) string {
	sel := s.APIVersion + " " + s.Kind
	if s.Namespace != "" {
		sel += " namespace=" + s.Namespace
	}
	switch {
	case s.Name != "":
		sel += " name=" + s.Name
	case s.LabelSelector != nil:
		sel += " labels=" + metav1.FormatLabelSelector(s.LabelSelector)
	}
	return sel
}

// targetString summarises a rule's targetCluster.
func targetString(a *policyv1alpha1.ClusterAffinity) string {
	if a == nil {
		return "all"
	}
	var parts []string
	if len(a.ClusterNames) > 0 {
		parts = append(parts, strings.Join(a.ClusterNames, ", "))
	}
	if a.LabelSelector != nil {
		parts = append(parts, "labels "+metav1.FormatLabelSelector(a.LabelSelector))
	}
	if a.FieldSelector != nil {
		var reqs []string
		for _, r := range a.FieldSelector.MatchExpressions {
			reqs = append(reqs, fmt.Sprintf("%s %s (%s)", r.Key, strings.ToLower(string(r.Operator)), strings.Join(r.Values, ",")))
		}
		parts = append(parts, "fields "+strings.Join(reqs, ", "))
	}
	if len(a.ExcludeClusters) > 0 {
		parts = append(parts, "except "+strings.Join(a.ExcludeClusters, ", "))
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, "; ")
}

// overriderLines summarises each overrider of a rule on one line, in the
// order they are applied.
func overriderLines(o *policyv1alpha1.Overriders) []string {
	var out []string
	for _, img := range o.ImageOverrider {
		l := fmt.Sprintf("image: %s %s", img.Operator, img.Component)
		if img.Value != "" {
			l += " " + img.Value
		}
		if img.Predicate != nil {
			l += " at " + img.Predicate.Path
		}
		out = append(out, l)
	}
	for _, c := range o.CommandOverrider {
		out = append(out, fmt.Sprintf("command: %s %s (container %s)", c.Operator, strings.Join(c.Value, " "), c.ContainerName))
	}
	for _, c := range o.ArgsOverrider {
		out = append(out, fmt.Sprintf("args: %s %s (container %s)", c.Operator, strings.Join(c.Value, " "), c.ContainerName))
	}
	for _, l := range o.LabelsOverrider {
		out = append(out, fmt.Sprintf("labels: %s %s", l.Operator, keyValues(l.Value, l.Operator == policyv1alpha1.OverriderOpRemove)))
	}
	for _, l := range o.AnnotationsOverrider {
		out = append(out, fmt.Sprintf("annotations: %s %s", l.Operator, keyValues(l.Value, l.Operator == policyv1alpha1.OverriderOpRemove)))
	}
	for _, f := range o.FieldOverrider {
		var ops []string
		for _, op := range f.JSON {
			ops = append(ops, patchString(string(op.Operator), op.SubPath, op.Value))
		}
		for _, op := range f.YAML {
			ops = append(ops, patchString(string(op.Operator), op.SubPath, op.Value))
		}
		format := "json"
		if len(f.YAML) > 0 {
			format = "yaml"
		}
		out = append(out, fmt.Sprintf("field: %s (%s) %s", f.FieldPath, format, strings.Join(ops, "; ")))
	}
	for _, p := range o.Plaintext {
		out = append(out, "plaintext: "+patchString(string(p.Operator), p.Path, p.Value))
	}
	return out
}

// keyValues is "k=v, k2=v2" by key, or only the keys.
func keyValues(m map[string]string, keysOnly bool) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for i, k := range keys {
		if !keysOnly {
			keys[i] = k + "=" + m[k]
		}
	}
	return strings.Join(keys, ", ")
}

// patchString is one JSON patch operation, its value cut to 60 characters.
func patchString(op, path string, value *apiextensionsv1.JSON) string {
	s := op + " " + path
	if value == nil || op == string(policyv1alpha1.OverriderOpRemove) {
		return s
	}
	if v := string(value.Raw); v != "" {
		if len(v) > 60 {
			v = v[:57] + "..."
		}
		s += " = " + v
	}
	return s
}
