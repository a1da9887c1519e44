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
	"errors"
	"fmt"
	"log/slog"

	"helm.sh/helm/v4/pkg/action"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	releasev1 "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage/driver"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"kurator.dev/kurator/charts"
)

// ReleaseName is the Helm release of a host install.
const ReleaseName = "kurator"

// helmConfig is Helm's access to the host, its releases kept in Secrets
// of the namespace, as the helm CLI keeps them.
func helmConfig(o Options) (*action.Configuration, error) {
	getter := o.restGetter()
	cfg := action.NewConfiguration()
	// Helm logs to slog's default handler; the installer reports progress itself.
	cfg.SetLogger(slog.DiscardHandler)
	if err := cfg.Init(getter, o.Namespace, "secret"); err != nil {
		return nil, fmt.Errorf("initialise Helm for namespace %s: %w", o.Namespace, err)
	}
	return cfg, nil
}

// restGetter is how both Helm and the installer's clients read the host's
// kubeconfig.
func (o Options) restGetter() *genericclioptions.ConfigFlags {
	flags := genericclioptions.NewConfigFlags(false)
	flags.KubeConfig, flags.Context, flags.Namespace = &o.Kubeconfig, &o.Context, &o.Namespace
	timeout := requestTimeout.String()
	flags.Timeout = &timeout
	return flags
}

// lastRelease is the newest revision of the release, nil when there is none.
func lastRelease(cfg *action.Configuration) (*releasev1.Release, error) {
	history := action.NewHistory(cfg)
	history.Max = 1
	revisions, err := history.Run(ReleaseName)
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
	return renderClientSide(action.NewConfiguration(), chart, namespace, values)
}

func renderClientSide(cfg *action.Configuration, chart *chartv2.Chart, namespace string, values map[string]any) (string, error) {
	cfg.SetLogger(slog.DiscardHandler)
	install := action.NewInstall(cfg)
	install.DryRunStrategy = action.DryRunClient
	install.ReleaseName, install.Namespace = ReleaseName, namespace
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
