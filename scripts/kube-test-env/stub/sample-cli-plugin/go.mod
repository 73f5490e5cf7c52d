// Placeholder: k8s.io/kubernetes lists k8s.io/sample-cli-plugin in its module graph, but that staging
// module is not published on the Go module proxy. Nothing we build imports it.
module k8s.io/sample-cli-plugin

go 1.24
