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
	"fmt"
	"os"

	"github.com/spf13/cobra"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"kurator.dev/kurator/internal/scenario"
	"kurator.dev/kurator/internal/scheduler"
)

func newScheduleCommand(streams genericiooptions.IOStreams) *cobra.Command {
	var file, output string
	cmd := &cobra.Command{
		Use:   "schedule -f SCENARIO",
		Short: "Show where a workload would run and why, without touching any cluster",
		Long: `Run the scheduler on a what-if scenario and print the ResourceBinding it would
write: spec.clusters (name, replicas) and, under status, the Scheduled condition and
the explanation (clusters rejected and why, scores, capacity, the division arithmetic).

SCENARIO is multi-document YAML with cluster.karmada.io/v1alpha1 Clusters, exactly one
workload template, one PropagationPolicy or ClusterPropagationPolicy, and optionally a
work.karmada.io/v1alpha2 ResourceBinding whose spec.clusters is the previous decision.
Per-node capacity can be given on a Cluster with the annotation
` + scenario.NodesAnnotation + ` (see examples/scenarios/); without it the
Cluster's status.resourceSummary is used. Exits 1 when the workload cannot be scheduled.`,
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
			f, err := os.Open(file)
			if err != nil {
				return err
			}
			defer f.Close()
			sc, err := scenario.Parse(f)
			if err != nil {
				return fmt.Errorf("%s: %w", file, err)
			}
			return runSchedule(cmd.Context(), streams, sc, output)
		},
	}
	cmd.Flags().StringVarP(&file, "filename", "f", "", "the scenario file")
	cmd.Flags().StringVarP(&output, "output", "o", outputYAML, "output format: yaml or json")
	return cmd
}

func runSchedule(ctx context.Context, streams genericiooptions.IOStreams, sc *scenario.Scenario, output string) error {
	snap, w, err := sc.Build()
	if err != nil {
		return err
	}
	s, err := scheduler.New(scheduler.DefaultConfig())
	if err != nil {
		return err
	}
	res, schedErr := s.Schedule(ctx, snap, w)
	if err := printObjects(streams.Out, output, sc.Render(w, res, schedErr), nil); err != nil {
		return err
	}
	if schedErr != nil {
		return fmt.Errorf("%s %s/%s cannot be scheduled: %w", w.GVK.Kind, w.Namespace, w.Name, schedErr)
	}
	return nil
}
