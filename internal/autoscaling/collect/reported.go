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

package collect

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sigs.k8s.io/controller-runtime/pkg/client"

	workv1alpha1 "kurator.dev/kurator/api/work/v1alpha1"
	workv1alpha2 "kurator.dev/kurator/api/work/v1alpha2"
)

// StaleReports is how many report intervals old an agent's report may be
// before its member is stale: a report or two may be lost or late.
const StaleReports = 3

// ErrNoReport means the agent has not reported the workload's pods (yet):
// the template's label has not reached the member, or the workload is not
// applied there yet.
var ErrNoReport = errors.New("the agent has not reported the workload's pods yet")

// reported is a pull member's answer: its agent's last report on the
// workload, from the status of the template's Work in the member's
// execution namespace, unless it is older than StaleReports intervals.
func (c *Collector) reported(ctx context.Context, w Workload, cluster string, now time.Time) (*workv1alpha1.PodMetricsSummary, error) {
	if c.Works == nil {
		return nil, ErrNoReport
	}
	var works workv1alpha1.WorkList
	if err := c.Works.List(ctx, &works, client.InNamespace(workv1alpha1.ExecutionNamespace(cluster)), client.MatchingLabels{
		workv1alpha1.BindingNamespaceLabel: w.Namespace, workv1alpha1.BindingNameLabel: workv1alpha2.BindingName(w.Name, w.Kind),
	}); err != nil {
		return nil, fmt.Errorf("read the agent's report: %w", err)
	}
	var latest *workv1alpha1.PodMetricsSummary
	for i := range works.Items {
		for _, st := range works.Items[i].Status.ManifestStatuses {
			id := st.Identifier
			if st.PodMetrics == nil || id.Group != w.Group || id.Kind != w.Kind || id.Namespace != w.Namespace || id.Name != w.Name {
				continue
			}
			if latest == nil || st.PodMetrics.CollectTime.After(latest.CollectTime.Time) {
				latest = st.PodMetrics
			}
		}
	}
	if latest == nil {
		return nil, ErrNoReport
	}
	age := now.Sub(latest.CollectTime.Time)
	if age > StaleReports*latest.ReportInterval.Duration {
		return nil, fmt.Errorf("the agent's last report is %s old (it reports every %s)", age.Round(time.Second), latest.ReportInterval.Duration)
	}
	return latest, nil
}
