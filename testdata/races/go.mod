module example.com/races

go 1.22

require golang.org/x/sync v0.11.0
