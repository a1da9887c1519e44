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
// Package kubeconfig builds kubeconfig files for local clusters and merges
// their contexts into the user's kubeconfig (and removes them again), the way
// kind does.
package kubeconfig

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"kurator.dev/kurator/internal/pki"
)

// Entry is one context to write: a cluster endpoint with admin credentials.
type Entry struct {
	Context string
	Server  string
	PKI     pki.Bundle
}

// Build returns a kubeconfig holding the given entries, embedding the
// credentials so that the file is self-contained. The first entry is the
// current context.
func Build(entries ...Entry) (*clientcmdapi.Config, error) {
	cfg := clientcmdapi.NewConfig()
	for i, e := range entries {
		ca, err := e.PKI.Read(pki.CACert)
		if err != nil {
			return nil, err
		}
		cert, err := e.PKI.Read(pki.AdminCert)
		if err != nil {
			return nil, err
		}
		key, err := e.PKI.Read(pki.AdminKey)
		if err != nil {
			return nil, err
		}
		cfg.Clusters[e.Context] = &clientcmdapi.Cluster{Server: e.Server, CertificateAuthorityData: ca}
		cfg.AuthInfos[e.Context] = &clientcmdapi.AuthInfo{ClientCertificateData: cert, ClientKeyData: key}
		cfg.Contexts[e.Context] = &clientcmdapi.Context{Cluster: e.Context, AuthInfo: e.Context}
		if i == 0 {
			cfg.CurrentContext = e.Context
		}
	}
	return cfg, nil
}

// Write stores a kubeconfig with 0600 permissions.
func Write(path string, cfg *clientcmdapi.Config) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// UserPath is the kubeconfig kubectl would use: the first entry of
// $KUBECONFIG, else ~/.kube/config. Empty entries (KUBECONFIG=":a") are
// skipped, as kubectl skips them.
func UserPath() (string, error) {
	for _, path := range filepath.SplitList(os.Getenv(clientcmd.RecommendedConfigPathEnvVar)) {
		if path != "" {
			return path, nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, clientcmd.RecommendedHomeDir, clientcmd.RecommendedFileName), nil
}

// Merge adds (or replaces) the contexts of src in the kubeconfig at path,
// creating the file if needed. The current context is left alone unless the
// file had none.
func Merge(path string, src *clientcmdapi.Config) error {
	dst, err := load(path)
	if err != nil {
		return err
	}
	for name, c := range src.Clusters {
		dst.Clusters[name] = c
	}
	for name, a := range src.AuthInfos {
		dst.AuthInfos[name] = a
	}
	for name, c := range src.Contexts {
		dst.Contexts[name] = c
	}
	if dst.CurrentContext == "" {
		dst.CurrentContext = src.CurrentContext
	}
	return Write(path, dst)
}

// Remove deletes the named contexts (and their clusters and users) from the
// kubeconfig at path. A missing file is not an error.
func Remove(path string, contexts []string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	cfg, err := load(path)
	if err != nil {
		return err
	}
	for _, name := range contexts {
		if ctx, ok := cfg.Contexts[name]; ok {
			delete(cfg.Clusters, ctx.Cluster)
			delete(cfg.AuthInfos, ctx.AuthInfo)
			delete(cfg.Contexts, name)
		}
		if cfg.CurrentContext == name {
			cfg.CurrentContext = ""
		}
	}
	return Write(path, cfg)
}

func load(path string) (*clientcmdapi.Config, error) {
	cfg, err := clientcmd.LoadFromFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return clientcmdapi.NewConfig(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read kubeconfig %s: %w", path, err)
	}
	return cfg, nil
}
