## Man pages generated from specs/*.md with go-md2man.
SPEC_MANS1 = cruntime.1 cimage.1 cbuild.1
SPEC_MANS5 = cimage-store.5
man1_MANS += $(SPEC_MANS1)
man5_MANS += $(SPEC_MANS5)
CLEANFILES += $(SPEC_MANS1) $(SPEC_MANS5)
EXTRA_DIST += %reldir%/cruntime.1.md %reldir%/cimage.1.md %reldir%/cbuild.1.md %reldir%/store-format.md %reldir%/bundle-format.md

cruntime.1: %reldir%/cruntime.1.md
	$(AM_V_GEN)$(GO_MD2MAN) -in $< -out $@
cimage.1: %reldir%/cimage.1.md
	$(AM_V_GEN)$(GO_MD2MAN) -in $< -out $@
cbuild.1: %reldir%/cbuild.1.md
	$(AM_V_GEN)$(GO_MD2MAN) -in $< -out $@
cimage-store.5: %reldir%/store-format.md
	$(AM_V_GEN)$(GO_MD2MAN) -in $< -out $@
