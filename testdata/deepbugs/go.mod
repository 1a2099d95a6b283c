module example.com/deepbugs

go 1.22
