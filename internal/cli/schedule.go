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
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	configv1alpha1 "kurator.dev/kurator/api/config/v1alpha1"
	"kurator.dev/kurator/internal/interpreter"
	"kurator.dev/kurator/internal/interpreter/customization"
	"kurator.dev/kurator/internal/interpreter/luavm"
	"kurator.dev/kurator/internal/render"
	"kurator.dev/kurator/internal/scenario"
	"kurator.dev/kurator/internal/scheduler"
	"kurator.dev/kurator/internal/scheduler/framework"
)

func newScheduleCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var file, output string
	cp := newControlPlaneFlags()
	cmd := &cobra.Command{
		Use:   "schedule -f SCENARIO",
		Short: "Show where a workload would run and why, without touching any cluster",
		Long: `Run the scheduler on a what-if scenario and print what the control plane would
write: the ResourceBinding (spec.clusters with each cluster's replicas and, under
status, the Scheduled and Rendered conditions and the explanation: clusters rejected
and why, scores, capacity, the division arithmetic), then one Work per chosen cluster
holding the manifest rendered for it (control-plane metadata removed, the cluster's
share of replicas written in, the override policies applied).

Each Work is named and placed as the binding controller writes it: in the cluster's
execution namespace karmada-es-<cluster>, so metadata.namespace says which cluster
the manifest is for, and spec.workload.manifests[0] is the manifest itself, annotated
with ` + render.AppliedOverridesAnnotation + ` (the override rules applied). With -o yaml the
output is a multi-document YAML stream (the ResourceBinding first, then the Works in
spec.clusters order); with -o json it is a stream of JSON objects in the same order.

SCENARIO is multi-document YAML with cluster.karmada.io/v1alpha1 Clusters, exactly one
workload template, one PropagationPolicy or ClusterPropagationPolicy, any number of
OverridePolicies and ClusterOverridePolicies (an OverridePolicy without a namespace is
in the template's namespace), any number of ResourceInterpreterCustomizations (how the
template's kind is interpreted: its replicas and requirements), and optionally a work.karmada.io/v1alpha2 ResourceBinding
whose spec.clusters is the previous decision. Override rules match the scenario's
Clusters by name, labels and fields. Per-node capacity can be given on a Cluster with
the annotation ` + scenario.NodesAnnotation + ` (see examples/scenarios/); without it
the Cluster's status.resourceSummary is used.

Against a live fleet: when SCENARIO has no Clusters (say, the workload and the
policy you are about to apply), the Clusters (labels, spec, status, taints, API
enablements) are read from the control plane (--context, --kubeconfig; by default
the "kurator" context if there is one), each ready member's nodes and the requests of
their pods give the capacity as the scheduling controller sees it, the binding in
force for the workload is the previous decision, and the fleet's override policies and
ResourceInterpreterCustomizations apply along with the file's (which replace those of
the same name). Nothing is
written to any cluster. The output is the same as offline.

Exits 1 when the workload cannot be scheduled (only the ResourceBinding is printed)
or when an override fails for some cluster (that cluster has no Work; the Rendered
condition names it and the error).`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return UsageError{fmt.Errorf("-f SCENARIO is required")}
			}
			if output == "" {
				output = outputYAML
			}
			if output != outputYAML && output != outputJSON {
				return UsageError{fmt.Errorf("unknown output format %q: use yaml or json", output)}
			}
			if live, err := scheduleLive(cmd.Context(), streams, cp, file, output); live {
				return err
			}
			f, err := os.Open(file)
			if err != nil {
				return err
			}
			defer f.Close()
			sc, err := scenario.Parse(f)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			return runSchedule(cmd.Context(), streams, sc, output, sc.Build)
		},
	}
	cmd.Flags().StringVarP(&file, "filename", "f", "", "the scenario file")
	cmd.Flags().StringVarP(&output, "output", "o", outputYAML, "output format: yaml or json")
	cmd.Flags().StringVar(cp.KubeConfig, "kubeconfig", "", "kubeconfig of the control plane, for a scenario without Clusters")
	cmd.Flags().StringVar(cp.Context, "context", "", "kubeconfig context of the control plane, for a scenario without Clusters")
	return cmd
}

// runSchedule schedules the scenario on the snapshot build returns.
func runSchedule(ctx context.Context, streams genericiooptions.IOStreams, sc *scenario.Scenario, output string,
	build func() (*framework.Snapshot, *framework.Workload, error)) error {
	if err := interpretWith(sc.Customizations); err != nil {
		return err
	}
	snap, w, err := build()
	if err != nil {
		return err
	}
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		return err
	}
	res, schedErr := s.Schedule(ctx, snap, w)
	rb := sc.Render(w, res, schedErr)
	if schedErr != nil {
		if err := printObjects(streams.Out, output, rb, nil); err != nil {
			return err
		}
		return fmt.Errorf("%s %s/%s cannot be scheduled: %w", w.GVK.Kind, w.Namespace, w.Name, schedErr)
	}
	works, renderErr := sc.Works(rb)
	docs := []any{rb}
	for _, wk := range works {
		docs = append(docs, wk)
	}
	if err := printStream(streams.Out, output, docs); err != nil {
		return err
	}
	if renderErr != nil {
		return fmt.Errorf("%s %s/%s: %w", w.GVK.Kind, w.Namespace, w.Name, renderErr)
	}
	return nil
}

// printStream prints objects as one YAML stream (documents separated by
// "---") or as a stream of JSON objects.
func printStream(w io.Writer, output string, objs []any) error {
	for i, obj := range objs {
		if i > 0 && output == outputYAML {
			if _, err := fmt.Fprintln(w, "---"); err != nil {
				return err
			}
		}
		if err := printObjects(w, output, obj, nil); err != nil {
			return err
		}
	}
	return nil
}

// interpretWith makes the scenario's customisations the interpreter's, as
// the control plane's loader does; a rule that does not compile is an
// error here rather than a condition.
func interpretWith(rics []*configv1alpha1.ResourceInterpreterCustomization) error {
	if len(rics) == 0 {
		return nil
	}
	scripts := customization.NewLuaScripts(luavm.Limits{})
	built := make([]customization.Built, 0, len(rics))
	for _, ric := range rics {
		b := customization.Build(ric, scripts, nil)
		if len(b.Errors) > 0 {
			return fmt.Errorf("ResourceInterpreterCustomization %s: %w", ric.Name, errors.Join(b.Errors...))
		}
		built = append(built, b)
	}
	merged, _ := customization.Merge(built)
	for gvk, ops := range merged {
		interpreter.Default.Register(gvk, ops)
	}
	return nil
}
