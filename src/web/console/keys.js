// the keys page's script (next commit)
