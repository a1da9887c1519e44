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

package install

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"helm.sh/helm/v4/pkg/action"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/kube"
	releasev1 "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage/driver"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"kurator.dev/kurator/charts"
	"kurator.dev/kurator/internal/components"
)

// ReleaseName is the Helm release of a host install.
const ReleaseName = "kurator"

// Release is a Helm release in the cluster that Kubeconfig and Context
// reach (empty: kubectl's defaults).
type Release struct {
	Name, Namespace     string
	Kubeconfig, Context string
}

// release is the host install's release.
func (o Options) release() Release {
	return Release{Name: ReleaseName, Namespace: o.Namespace, Kubeconfig: o.Kubeconfig, Context: o.Context}
}

// helmConfig is Helm's access to the cluster, its releases kept in Secrets
// of the namespace, as the helm CLI keeps them.
func (r Release) helmConfig() (*action.Configuration, error) {
	cfg := action.NewConfiguration()
	// Helm logs to slog's default handler; the installer reports progress itself.
	cfg.SetLogger(slog.DiscardHandler)
	if err := cfg.Init(r.RESTGetter(), r.Namespace, "secret"); err != nil {
		return nil, fmt.Errorf("initialise Helm for namespace %s: %w", r.Namespace, err)
	}
	return cfg, nil
}

// RESTGetter is how both Helm and the installer's clients read the
// cluster's kubeconfig.
func (r Release) RESTGetter() *genericclioptions.ConfigFlags {
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig, flags.Context, flags.Namespace = &r.Kubeconfig, &r.Context, &r.Namespace
	timeout := requestTimeout.String()
	flags.Timeout = &timeout
	return flags
}

// ApplyChart installs the chart as the release, or upgrades the release
// when it exists, and returns what Helm applied and the revision. Helm does
// not wait for the workloads: callers wait for what they need.
func ApplyChart(ctx context.Context, r Release, chart *chartv2.Chart, values map[string]any, timeout time.Duration) (string, int, error) {
	cfg, err := r.helmConfig()
	if err != nil {
		return "", 0, err
	}
	previous, err := lastRelease(cfg, r.Name)
	if err != nil {
		return "", 0, err
	}
	return apply(ctx, cfg, chart, r, timeout, values, previous == nil)
}

// UninstallChart removes the release and says whether there was one.
func UninstallChart(r Release) (bool, error) {
	cfg, err := r.helmConfig()
	if err != nil {
		return false, err
	}
	return uninstallRelease(cfg, r.Name)
}

func uninstallRelease(cfg *action.Configuration, name string) (bool, error) {
	uninstall := action.NewUninstall(cfg)
	uninstall.WaitStrategy = kube.HookOnlyStrategy
	_, err := uninstall.Run(name)
	if errors.Is(err, driver.ErrReleaseNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("uninstall release %s: %w", name, err)
	}
	return true, nil
}

// lastRelease is the newest revision of the release, nil when there is none.
func lastRelease(cfg *action.Configuration, name string) (*releasev1.Release, error) {
	history := action.NewHistory(cfg)
	history.Max = 1
	revisions, err := history.Run(name)
	if errors.Is(err, driver.ErrReleaseNotFound) || (err == nil && len(revisions) == 0) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the release history: %w", err)
	}
	return asRelease(revisions[len(revisions)-1])
}

func asRelease(r any) (*releasev1.Release, error) {
	rel, ok := r.(*releasev1.Release)
	if !ok {
		return nil, fmt.Errorf("unexpected Helm release type %T", r)
	}
	return rel, nil
}

// Template renders the embedded chart as 'helm template kurator charts/kurator
// -n namespace' does with the given values, without a cluster.
func Template(namespace string, values map[string]any) (string, error) {
	chart, err := charts.Kurator()
	if err != nil {
		return "", err
	}
	return RenderChart(chart, ReleaseName, namespace, values)
}

// TemplateAgent renders the embedded chart of the pull agent as 'helm
// template kurator-agent charts/kurator-agent -n namespace' does.
func TemplateAgent(namespace string, values map[string]any) (string, error) {
	chart, err := charts.Agent()
	if err != nil {
		return "", err
	}
	return RenderChart(chart, components.AgentReleaseName, namespace, values)
}

// RenderChart renders a chart without a cluster, as 'helm template' does:
// the objects a release of that name would have, and the chart's own
// refusals of the values.
func RenderChart(chart *chartv2.Chart, release, namespace string, values map[string]any) (string, error) {
	cfg := action.NewConfiguration()
	cfg.SetLogger(slog.DiscardHandler)
	install := action.NewInstall(cfg)
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName, install.Namespace = release, namespace
	// As helm template: no release is looked up.
	install.Replace = true
	r, err := install.Run(chart, values)
	if err != nil {
		return "", fmt.Errorf("render the chart: %w", err)
	}
	rel, err := asRelease(r)
	if err != nil {
		return "", err
	}
	return rel.Manifest, nil
}
