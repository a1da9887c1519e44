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
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericiooptions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	rolloutv1alpha1 "kurator.dev/kurator/api/rollout/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

func newRolloutCommand(streams genericiooptions.IOStreams) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rollout",
		Short: "Follow and steer staged rollouts across clusters (StagedUpdateRuns)",
		Long: `Follow and steer the staged rollouts of workloads whose PropagationPolicy names a
StagedUpdateStrategy (spec.rolloutStrategy). KIND/NAME accepts kubectl's short
names, such as deploy/reviews.`,
	}
	for _, sub := range []struct {
		use, short string
		run        func(context.Context, client.Client, io.Writer, *rolloutv1alpha1.StagedUpdateRun, bool) error
	}{
		{"status", "Show the current run: stages, clusters, gates and why it waits", nil},
		{"history", "List the runs of a workload", nil},
		{"approve", "Approve the approval the current run waits for", approveRun},
		{"promote", "Skip the remaining gates of the current stage and go on", promoteRun},
		{"abort", "Stop the current run and roll its updated clusters back", abortRun},
		{"retry", "Start a rolled-back or failed run again, from the start", retryRun},
		{"undo", "Undo the last rollout: abort a run still going, else go back to the previous revision", nil},
	} {
		cmd.AddCommand(newRolloutSubcommand(streams, sub.use, sub.short, sub.run))
	}
	return cmd
}

func newRolloutSubcommand(streams genericiooptions.IOStreams, use, short string, act func(context.Context, client.Client, io.Writer, *rolloutv1alpha1.StagedUpdateRun, bool) error) *cobra.Command {
	cp := newControlPlaneFlags()
	var watch bool
	cmd := &cobra.Command{
		Use:   use + " KIND/NAME",
		Short: short,
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ref, err := parseWorkloadRef(args[0])
			if err != nil {
				return err
			}
			c, err := cp.client()
			if err != nil {
				return err
			}
			ns := cp.namespace("default")
			binding := workv1alpha2.BindingName(ref.name, ref.kind)
			runs, err := listRuns(cmd.Context(), c, ns, binding)
			if err != nil {
				return err
			}
			switch use {
			case "history":
				printRunHistory(streams.Out, runs, time.Now())
				return nil
			case "undo":
				return undoRollout(cmd.Context(), c, streams.Out, ns, ref, runs)
			}
			if len(runs) == 0 {
				return fmt.Errorf("%s has no staged rollout in namespace %s (its policy names no rolloutStrategy, or no new revision was released yet)", ref, ns)
			}
			current := &runs[len(runs)-1]
			if use == "status" {
				return watchRun(cmd.Context(), c, streams.Out, current, watch)
			}
			return act(cmd.Context(), c, streams.Out, current, false)
		},
	}
	cp.AddFlags(cmd.Flags())
	if use == "status" {
		cmd.Flags().BoolVarP(&watch, "watch", "w", false, "follow the run until it ends (exit 1 if it does not succeed)")
	}
	return cmd
}

// listRuns returns a binding's runs, oldest first.
func listRuns(ctx context.Context, c client.Client, ns, binding string) ([]rolloutv1alpha1.StagedUpdateRun, error) {
	list := &rolloutv1alpha1.StagedUpdateRunList{}
	if err := c.List(ctx, list, client.InNamespace(ns), client.MatchingLabels{rolloutv1alpha1.BindingLabel: binding}); err != nil {
		return nil, fmt.Errorf("list staged update runs: %w", err)
	}
	runs := list.Items
	for i := 1; i < len(runs); i++ {
		for j := i; j > 0 && runs[j].CreationTimestamp.Before(&runs[j-1].CreationTimestamp); j-- {
			runs[j], runs[j-1] = runs[j-1], runs[j]
		}
	}
	return runs, nil
}

// errRunNotSucceeded makes 'status --watch' exit 1 for a run that ended otherwise.
var errRunNotSucceeded = errors.New("the run did not succeed")

func watchRun(ctx context.Context, c client.Client, w io.Writer, run *rolloutv1alpha1.StagedUpdateRun, watch bool) error {
	last := ""
	for {
		var b strings.Builder
		describeRun(&b, run, time.Now())
		if out := b.String(); out != last {
			if last != "" {
				fmt.Fprintln(w)
			}
			fmt.Fprint(w, out)
			last = out
		}
		if !watch || run.Status.Phase.Terminal() {
			if watch && run.Status.Phase != rolloutv1alpha1.RunPhaseSucceeded {
				return fmt.Errorf("%w: %s", errRunNotSucceeded, run.Status.Phase)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
		if err := c.Get(ctx, client.ObjectKeyFromObject(run), run); err != nil {
			return err
		}
	}
}

func describeRun(w io.Writer, run *rolloutv1alpha1.StagedUpdateRun, now time.Time) {
	st := run.Status
	fmt.Fprintf(w, "Run:       %s (revision %s, strategy %s)\n", run.Name, run.Spec.Revision, run.Spec.StrategyName)
	phase := string(st.Phase)
	if phase == "" {
		phase = "Starting"
	}
	if st.Message != "" {
		phase += ": " + st.Message
	}
	fmt.Fprintf(w, "Phase:     %s\n", phase)
	if st.StartTime != nil {
		fmt.Fprintf(w, "Started:   %s ago\n", age(*st.StartTime, now))
	}
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "STAGE\tCLUSTERS\tGATES")
	for _, stage := range st.Stages {
		var clusters []string
		for _, name := range stage.Clusters {
			for _, c := range st.Clusters {
				if c.Name == name {
					clusters = append(clusters, name+"="+string(c.Phase))
				}
			}
		}
		if len(clusters) == 0 {
			clusters = []string{"-"}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", stage.Name, strings.Join(clusters, ","), gates(stage))
	}
	_ = tw.Flush()
	for _, c := range st.Clusters {
		if c.Message != "" && c.Phase != rolloutv1alpha1.ClusterUpdated {
			fmt.Fprintf(w, "  %s: %s\n", c.Name, c.Message)
		}
	}
}

func gates(stage rolloutv1alpha1.StageStatus) string {
	var parts []string
	for _, list := range [][]rolloutv1alpha1.TaskStatus{stage.BeforeStageTasks, stage.AfterStageTasks} {
		for _, t := range list {
			parts = append(parts, fmt.Sprintf("%s %s", t.Type, t.Phase))
		}
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func printRunHistory(w io.Writer, runs []rolloutv1alpha1.StagedUpdateRun, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	fmt.Fprintln(tw, "RUN\tREVISION\tPHASE\tAGE\tMESSAGE")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Name, r.Spec.Revision, r.Status.Phase, age(r.CreationTimestamp, now), r.Status.Message)
	}
	_ = tw.Flush()
}

// approveRun approves every approval the run waits for.
func approveRun(ctx context.Context, c client.Client, w io.Writer, run *rolloutv1alpha1.StagedUpdateRun, _ bool) error {
	approved := 0
	for _, stage := range run.Status.Stages {
		for _, t := range append(append([]rolloutv1alpha1.TaskStatus{}, stage.BeforeStageTasks...), stage.AfterStageTasks...) {
			if t.ApprovalRequest == "" || t.Phase == rolloutv1alpha1.TaskSucceeded {
				continue
			}
			req := &rolloutv1alpha1.ApprovalRequest{}
			if err := c.Get(ctx, client.ObjectKey{Namespace: run.Namespace, Name: t.ApprovalRequest}, req); err != nil {
				return err
			}
			apimeta.SetStatusCondition(&req.Status.Conditions, metav1.Condition{Type: rolloutv1alpha1.ConditionApproved, Status: metav1.ConditionTrue,
				Reason: "Approved", Message: "approved with kurator rollout approve"})
			if err := c.Status().Update(ctx, req); err != nil {
				return err
			}
			fmt.Fprintf(w, "approvalrequest/%s approved (stage %s)\n", req.Name, stage.Name)
			approved++
		}
	}
	if approved == 0 {
		return fmt.Errorf("run %s waits for no approval (phase %s)", run.Name, run.Status.Phase)
	}
	return nil
}

// promoteRun asks the controller to skip the current stage's gates.
func promoteRun(ctx context.Context, c client.Client, w io.Writer, run *rolloutv1alpha1.StagedUpdateRun, _ bool) error {
	stage := ""
	for _, s := range run.Status.Stages {
		if s.EndTime == nil {
			stage = s.Name
			break
		}
	}
	if stage == "" || run.Status.Phase.Terminal() {
		return fmt.Errorf("run %s has no stage to promote (phase %s)", run.Name, run.Status.Phase)
	}
	patch := client.MergeFrom(run.DeepCopy())
	if run.Annotations == nil {
		run.Annotations = map[string]string{}
	}
	run.Annotations[rolloutv1alpha1.PromoteAnnotation] = stage
	if err := c.Patch(ctx, run, patch); err != nil {
		return err
	}
	fmt.Fprintf(w, "stagedupdaterun/%s: stage %s promoted\n", run.Name, stage)
	return nil
}

func abortRun(ctx context.Context, c client.Client, w io.Writer, run *rolloutv1alpha1.StagedUpdateRun, _ bool) error {
	if run.Status.Phase.Terminal() {
		return fmt.Errorf("run %s is over (phase %s)", run.Name, run.Status.Phase)
	}
	patch := client.MergeFrom(run.DeepCopy())
	run.Spec.State = rolloutv1alpha1.RunStateAbort
	if err := c.Patch(ctx, run, patch); err != nil {
		return err
	}
	fmt.Fprintf(w, "stagedupdaterun/%s aborted: its updated clusters roll back\n", run.Name)
	return nil
}

// retryRun starts the same revision again with a new run; the binding's
// gate follows the newest run of a revision.
func retryRun(ctx context.Context, c client.Client, w io.Writer, run *rolloutv1alpha1.StagedUpdateRun, _ bool) error {
	switch run.Status.Phase {
	case rolloutv1alpha1.RunPhaseRolledBack, rolloutv1alpha1.RunPhaseFailed:
	default:
		return fmt.Errorf("run %s is %s; only a rolled-back or failed run can be retried", run.Name, run.Status.Phase)
	}
	retry := &rolloutv1alpha1.StagedUpdateRun{
		ObjectMeta: metav1.ObjectMeta{
			GenerateName: run.Spec.SnapshotName + "-retry-", Namespace: run.Namespace,
			Labels: run.Labels, OwnerReferences: run.OwnerReferences,
		},
		Spec: run.Spec,
	}
	retry.Spec.State = rolloutv1alpha1.RunStateRun
	if err := c.Create(ctx, retry); err != nil {
		return err
	}
	fmt.Fprintf(w, "stagedupdaterun/%s created\n", retry.Name)
	return nil
}
