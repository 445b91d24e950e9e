//! Code generation for a valid input.

use std::collections::HashSet;

use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{parse_quote, LitStr, Path, Type, WherePredicate};

use crate::ast::{Field, Input};
use crate::attr::Mapping;
use crate::table::Family;

/// The path of the crate that holds `IntoUserComUser`: `#[usercom(crate = ...)]`, else the
/// facade `usercom` (however the user renamed it), else `usercom-core`, else `::usercom`.
pub(crate) fn crate_path(krate: Option<&Path>) -> TokenStream {
    use crate::manifest::dependency_name;
    if let Some(path) = krate {
        return quote!(#path);
    }
    let name = dependency_name("usercom")
        .or_else(|| dependency_name("usercom-core"))
        .unwrap_or_else(|| "usercom".to_owned());
    let ident = Ident::new(&name, Span::call_site());
    quote!(::#ident)
}

pub(crate) fn expand(input: &Input) -> TokenStream {
    let krate = crate_path(input.attrs.krate.as_ref());
    let ident = input.ident;
    let type_params: HashSet<String> = input
        .generics
        .type_params()
        .map(|param| param.ident.to_string())
        .collect();

    let lifetimes: HashSet<String> = input
        .generics
        .lifetimes()
        .map(|param| param.lifetime.ident.to_string())
        .collect();
    let paths = Paths::new(krate.clone(), input);
    let mut generics = input.generics.clone();
    let mut statements = Vec::new();
    let mut schema_checks = SchemaChecks::default();
    for field in &input.fields {
        let Some(mapping) = &field.attrs.mapping else {
            continue;
        };
        let generic = mentions(field.ty, &type_params);
        // The trait a custom attribute's value is converted through: the schema's `Fits*`
        // trait when the schema knows the attribute (it extends `CustomValue<()>`, so the
        // conversion is the check, and an unfit type is an error there, in its words).
        let mut custom_trait = None;
        if let (Mapping::Custom { name }, Some(loaded)) = (mapping, &input.schema) {
            if let Some(attribute) = loaded.schema.get(&name.value()) {
                if generic {
                    // A where-clause predicate: the conversion stays generic.
                    let predicate = schema_checks.bound(&krate, field, attribute);
                    generics.make_where_clause().predicates.push(predicate);
                } else {
                    let convert = &paths.convert;
                    // With `with`, what is converted is the function's result, not the field.
                    let written = field.attrs.with.is_none().then_some(field.ty);
                    let fits = schema_checks.fits(&quote!(#convert), attribute, written);
                    // A `const` item outside the impl cannot name the struct's lifetimes.
                    if field.attrs.with.is_none() && !mentions_lifetime(field.ty, &lifetimes) {
                        schema_checks.choices(&krate, field, attribute, &fits);
                    }
                    custom_trait = Some(fits);
                }
            }
        }
        statements.push(field_statement(&paths, field, mapping, custom_trait));
        // Bounds only where needed: a field whose type involves a type parameter.
        if field.attrs.with.is_none() && generic {
            let predicate = bound(&paths, field.ty, mapping);
            generics.make_where_clause().predicates.push(predicate);
        }
    }
    let schema_items = schema_checks.items(input);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let user = user_binding();
    // Upsert matches on user_id: only a struct that maps it may be upserted.
    let maps_user_id = input.fields.iter().any(|field| {
        matches!(&field.attrs.mapping, Some(Mapping::Standard { name, .. }) if name == "user_id")
    });
    let maps_user_id = maps_user_id.then(|| {
        quote! {
            #[automatically_derived]
            impl #impl_generics #krate::MapsUserId for #ident #ty_generics #where_clause {}
        }
    });
    let Paths {
        imports, private, ..
    } = &paths;

    quote! {
        const _: () = {
            #imports
            #[automatically_derived]
            impl #impl_generics #krate::IntoUserComUser for #ident #ty_generics #where_clause {
                fn write_user_com_user<'__usercom>(
                    &'__usercom self,
                    #user: &mut #krate::CreateUser<'__usercom>,
                ) -> #private::Result<(), #krate::Error> {
                    #(#statements)*
                    #private::Result::Ok(())
                }
            }
            #maps_user_id
            #schema_items
        };
    }
}

/// Short names, inside the generated `const _` block, for the modules of the usercom crate
/// that the generated code names in every field's statement: the compiler takes in (and the
/// derive writes) a few tokens per path instead of up to eleven. The names start with
/// `__usercom_`, like every item the derive adds; a field type could only meet them by
/// naming one.
struct Paths {
    /// The usercom crate (for the items named once per struct).
    krate: TokenStream,
    /// The `use` item (only the names used, so that no import is unused).
    imports: TokenStream,
    /// `__private` (`set`, `custom`, `integer`, `Result`).
    private: Ident,
    /// `convert` (the value traits).
    convert: Ident,
    /// `convert::attribute` (the standard attributes' marker types).
    attribute: Ident,
}

impl Paths {
    fn new(krate: TokenStream, input: &Input) -> Paths {
        let private = Ident::new("__usercom_private", Span::call_site());
        let convert = Ident::new("__usercom_convert", Span::call_site());
        let attribute = Ident::new("__usercom_attribute", Span::call_site());
        let mapped = |wanted: fn(&Mapping) -> bool| {
            input
                .fields
                .iter()
                .any(|field| field.attrs.mapping.as_ref().is_some_and(wanted))
        };
        let standard = mapped(|m| matches!(m, Mapping::Standard { .. }));
        let valued = mapped(|m| matches!(m, Mapping::Standard { .. } | Mapping::Custom { .. }));
        let convert_import = valued.then(|| {
            let attribute_import = standard.then(|| quote!(attribute as #attribute));
            quote!(convert::{self as #convert, #attribute_import},)
        });
        let imports = quote! {
            use #krate::{#convert_import __private as #private};
        };
        Paths {
            krate,
            imports,
            private,
            convert,
            attribute,
        }
    }
}

/// The compile-time checks of custom attributes against the app's schema.
#[derive(Default)]
pub(crate) struct SchemaChecks {
    /// One marker type per attribute checked (its name in messages): `(name_std, ident)`.
    markers: Vec<(String, Ident)>,
    /// `const _: () = schema_check::<...>(...);` items, for non-generic fields.
    consts: Vec<TokenStream>,
}

/// How one field is checked against the schema when it is read back (`FromUserComUser`).
pub(crate) enum FieldCheck {
    /// A where-clause predicate (a field whose type involves a type parameter).
    Bound(Box<WherePredicate>),
    /// A `const` item beside the impl (collected in [`SchemaChecks`]).
    Const,
}

impl SchemaChecks {
    /// The check that `field` fits `attribute`'s value type (and, for a `fixed` attribute
    /// with choices, that an enum's wire names are among them), as a `const` item or a
    /// where-clause predicate (`generic`). `IntoUserComUser` checks through the conversion
    /// itself instead ([`SchemaChecks::fits`]).
    pub(crate) fn check(
        &mut self,
        krate: &TokenStream,
        field: &Field,
        attribute: &usercom_schema::Attribute,
        generic: bool,
    ) -> FieldCheck {
        if generic {
            return FieldCheck::Bound(Box::new(self.bound(krate, field, attribute)));
        }
        let fits = self.fits(&quote!(#krate::convert), attribute, Some(field.ty));
        if !self.choices(krate, field, attribute, &fits) {
            // The trait-qualified path carries the field type's span: an unfit type is an
            // error there, in the trait's words.
            let ty = ty_tokens(field.ty);
            let fits_path = quote_spanned!(field.ty.span()=> <#ty as #fits>::FITS);
            self.consts.push(quote!(const _: () = #fits_path;));
        }
        FieldCheck::Const
    }

    /// The `Fits*` trait of `attribute`'s value type (in `convert`, the path of the
    /// usercom crate's `convert` module), with the marker that names the attribute in its
    /// messages: `convert::FitsInteger<__usercom_attributes::seats>`.
    ///
    /// When the field's type (`ty`) is written as one the value type surely takes (`u32`
    /// for an `integer` attribute, `Option<String>` for a `string` one: see [`surely_fits`]),
    /// no message will be printed, and the marker is the one `convert` shares
    /// (`convert::named_above`): the struct then declares no marker type for it. The
    /// compiler still checks the type through the trait, so a type that only looks like one
    /// of those (a user's own `u32`, shadowing the primitive) is still refused; its message
    /// then calls the attribute `named_above`.
    pub(crate) fn fits(
        &mut self,
        convert: &TokenStream,
        attribute: &usercom_schema::Attribute,
        ty: Option<&Type>,
    ) -> TokenStream {
        use usercom_schema::ValueType;
        let marker = if ty.is_some_and(|ty| surely_fits(ty, &attribute.value_type)) {
            quote!(#convert::named_above)
        } else {
            let marker = self.marker(&attribute.name_std);
            quote!(__usercom_attributes::#marker)
        };
        let fits = Ident::new(
            match attribute.value_type {
                ValueType::Boolean => "FitsBoolean",
                ValueType::Integer => "FitsInteger",
                ValueType::Float => "FitsFloat",
                ValueType::String => "FitsString",
                ValueType::Date => "FitsDate",
                ValueType::DateTime => "FitsDateTime",
                ValueType::Json => "FitsJson",
                ValueType::Fixed => "FitsFixed",
            },
            Span::call_site(),
        );
        quote!(#convert::#fits<#marker>)
    }

    /// The where-clause predicate that checks a generic field's type against `attribute`.
    pub(crate) fn bound(
        &mut self,
        krate: &TokenStream,
        field: &Field,
        attribute: &usercom_schema::Attribute,
    ) -> WherePredicate {
        let fits = self.fits(&quote!(#krate::convert), attribute, None);
        let ty = ty_tokens(field.ty);
        parse_quote!(#ty: #fits)
    }

    /// For a `fixed` attribute with choices in the schema: a `const` item checking that the
    /// wire names the field's type can send (an enum's) are among them. Whether there was one.
    pub(crate) fn choices(
        &mut self,
        krate: &TokenStream,
        field: &Field,
        attribute: &usercom_schema::Attribute,
        fits: &TokenStream,
    ) -> bool {
        let (usercom_schema::ValueType::Fixed, Some(choices)) =
            (&attribute.value_type, &attribute.choices)
        else {
            return false;
        };
        let ty = ty_tokens(field.ty);
        let names = quote_spanned!(field.ty.span()=> <#ty as #fits>::CHOICES);
        let message = format!(
            "a variant of the enum mapped to the fixed attribute `{}` has a wire name \
             that is not among its choices in the schema ({}): rename the variant \
             (`#[usercom(rename = \"...\")]`), or add the choice in User.com and to the \
             schema's `choices`",
            attribute.name_std,
            choices.join(", ")
        );
        // The whole call carries the field type's span (the crate path included), so that a
        // failed check is reported on the field.
        let span = field.ty.span();
        let krate = respan(krate.clone(), span);
        self.consts.push(quote_spanned!(span=>
            const _: () = #krate::__private::check_choices(#names, &[#(#choices),*], #message);
        ));
        true
    }

    /// The marker type naming `name_std` in messages: the name itself when it is an
    /// identifier, else the closest identifier, unique in this expansion.
    fn marker(&mut self, name_std: &str) -> Ident {
        if let Some((_, ident)) = self.markers.iter().find(|(name, _)| name == name_std) {
            return ident.clone();
        }
        // Characters an identifier may hold, others as `_`, and a `_` in front when the first
        // may not start one: `text` and `text_<n>` are then identifiers but for keywords.
        let mut text: String = name_std
            .chars()
            .map(|c| {
                if unicode_ident::is_xid_continue(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !text.starts_with(|c: char| c == '_' || unicode_ident::is_xid_start(c)) {
            text.insert(0, '_');
        }
        let taken = |candidate: &str| self.markers.iter().any(|(_, i)| i == candidate);
        let mut candidate = text.clone();
        let mut n = 1;
        while taken(&candidate) || !is_identifier(&candidate) {
            n += 1;
            candidate = format!("{text}_{n}");
        }
        let ident = Ident::new(&candidate, Span::call_site());
        self.markers.push((name_std.to_owned(), ident.clone()));
        ident
    }

    /// The marker module, the const checks, and what makes the build follow the schema
    /// (see [`crate::schema::tracking`]).
    pub(crate) fn items(self, input: &Input) -> TokenStream {
        let track =
            crate::schema::tracking(input.attrs.schema.as_ref().map(LitStr::value).as_deref());
        if self.markers.is_empty() {
            return track;
        }
        let markers = self.markers.iter().map(|(_, ident)| ident);
        let consts = &self.consts;
        quote! {
            #track
            #[allow(non_camel_case_types, dead_code)]
            mod __usercom_attributes {
                #(pub enum #markers {})*
            }
            #(#consts)*
        }
    }
}

/// Whether `ty` is written as a type that surely fits `value_type`: a primitive or `String`
/// (`str`) named by its bare name, possibly in `Option<..>`, behind references or in the
/// invisible group a `macro_rules!` puts around a `$ty`. A type that may not fit (an enum, a
/// newtype, anything named by a path) is `false`, and gets a marker that names its
/// attribute in the compiler's message. Only the bare names the prelude gives are
/// recognised: `std::string::String` is `false` (and still fits, through a marker).
pub(crate) fn surely_fits(ty: &Type, value_type: &usercom_schema::ValueType) -> bool {
    use usercom_schema::ValueType;
    const INTEGERS: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ];
    let ty = match ty {
        Type::Reference(reference) => return surely_fits(&reference.elem, value_type),
        Type::Group(group) => return surely_fits(&group.elem, value_type),
        Type::Paren(paren) => return surely_fits(&paren.elem, value_type),
        Type::Path(path) if path.qself.is_none() && path.path.leading_colon.is_none() => path,
        _ => return false,
    };
    let [segment] = ty.path.segments.iter().collect::<Vec<_>>()[..] else {
        return false;
    };
    let name = segment.ident.to_string();
    match &segment.arguments {
        syn::PathArguments::None => {}
        syn::PathArguments::AngleBracketed(args) if name == "Option" && args.args.len() == 1 => {
            return match &args.args[0] {
                syn::GenericArgument::Type(inner) => surely_fits(inner, value_type),
                _ => false,
            };
        }
        _ => return false,
    }
    let name = name.as_str();
    match value_type {
        ValueType::Boolean => name == "bool",
        ValueType::Integer => INTEGERS.contains(&name),
        ValueType::Float => name == "f32" || name == "f64" || INTEGERS.contains(&name),
        ValueType::String | ValueType::Fixed => name == "String" || name == "str",
        ValueType::Date | ValueType::DateTime | ValueType::Json => false,
    }
}

/// Whether `text` (letters, digits and `_`, not starting with a digit) is an identifier,
/// that is, not a keyword. Plain ASCII is checked against syn's list of the words it refuses as
/// identifiers (parsing it with syn would lex it in the compiler, once per marker); other
/// text is parsed.
fn is_identifier(text: &str) -> bool {
    const KEYWORDS: &[&str] = &[
        "_", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue",
        "crate", "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "if",
        "impl", "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv",
        "pub", "ref", "return", "Self", "self", "static", "struct", "super", "trait", "true",
        "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
    ];
    if text.is_ascii() {
        !KEYWORDS.contains(&text)
    } else {
        syn::parse_str::<Ident>(text).is_ok()
    }
}

/// The value trait, its method and the marker type checked for a standard attribute, as the
/// one table names them.
fn family_trait(paths: &Paths, family: Family, name: &Ident) -> (TokenStream, Ident) {
    let trait_ident = Ident::new(family.trait_name(), Span::call_site());
    let Paths {
        convert, attribute, ..
    } = paths;
    (
        quote!(#convert::#trait_ident<#attribute::#name>),
        Ident::new(family.method(), Span::call_site()),
    )
}

/// `ty` as it may stand in `<... as Trait>` and before `:` in a where clause: a trait
/// object's `+` would otherwise be read as part of the surrounding syntax. (Such a field type
/// is an error of its own, which rustc reports; the expansion must still be valid Rust.)
pub(crate) fn ty_tokens(ty: &Type) -> TokenStream {
    match ty {
        Type::TraitObject(_) | Type::ImplTrait(_) => quote!((#ty)),
        _ => quote!(#ty),
    }
}

/// The name of the payload the generated method writes into. Names the derive invents are
/// mixed-site: they resolve where the derive is defined, so neither a user's item of the same
/// name nor a `macro_rules!` that generates the struct can capture them.
pub(crate) fn user_binding() -> Ident {
    Ident::new("__user", Span::mixed_site())
}

/// The statement that writes one mapped field into the payload.
///
/// Hygiene: only the user's own tokens (the field's type, the `with` path) carry the user's
/// spans, so that a type error lands on them; `self` and every invented name stay at
/// call-site or mixed-site spans. Giving `self` the span of a type that a `macro_rules!`
/// passed in would make it resolve with that macro's hygiene ("expected value, found module
/// `self`").
fn field_statement(
    paths: &Paths,
    field: &Field,
    mapping: &Mapping,
    custom_trait: Option<TokenStream>,
) -> TokenStream {
    let Paths {
        krate,
        private,
        convert,
        ..
    } = paths;
    let member = field.ident;
    let ty = &ty_tokens(field.ty);
    let span = field.ty.span();
    let user = user_binding();

    // Without `with`: one call through the family's trait, on the field's type, which
    // converts the field and writes it into the payload (the trait's hidden provided method:
    // `__write` into a standard attribute's slot, `__add` for a custom attribute). Only the
    // trait-qualified path carries the type's span, so a type that does not fit is an error
    // on it; the arguments are the derive's own.
    let Some((_, with)) = &field.attrs.with else {
        return match mapping {
            Mapping::Standard { name, family } => {
                let (trait_path, _) = family_trait(paths, *family, name);
                let function = quote_spanned!(span=> <#ty as #trait_path>::__write);
                quote!(#function(&self.#member, #user)?;)
            }
            Mapping::Custom { name } => {
                // Through the schema's `Fits*` trait when there is one: its `__add` is also
                // the check.
                let trait_path = custom_trait.unwrap_or_else(|| quote!(#convert::CustomValue<()>));
                let function = quote_spanned!(span=> <#ty as #trait_path>::__add);
                quote!(#function(&self.#member, #user, #name)?;)
            }
            // Straight into the outer payload: `__write`, `set` and the custom-attribute
            // checks refuse an attribute written twice, so no intermediate payload is needed.
            Mapping::Flatten { .. } => {
                let function =
                    quote_spanned!(span=> <#ty as #krate::IntoUserComUser>::write_user_com_user);
                quote!(#function(&self.#member, #user)?;)
            }
        };
    };

    // With `with`: the function's result is a temporary of the generated method, so its text
    // is copied into the payload (`owned`, `custom_owned`). Its type is checked, and the
    // error lands on the function's path.
    let converted = converted_binding();
    let value = |trait_path: TokenStream, method: &Ident| {
        let function = quote_spanned!(with.span()=> <_ as #trait_path>::#method);
        quote!(#function(&#converted))
    };
    let statement = match mapping {
        Mapping::Standard { name, family } => {
            let (trait_path, method) = family_trait(paths, *family, name);
            let mut value = value(trait_path, &method);
            let text = name.to_string();
            if matches!(family, Family::Text | Family::Id) {
                value = quote!(#private::owned(#value));
            }
            if *family == Family::Integer {
                value = quote!(#private::integer(#text, #value)?);
            }
            quote!(#private::set(&mut #user.#name, #text, #value)?;)
        }
        Mapping::Custom { name } => {
            // Through the schema's `Fits*` trait, its `__to_attribute_value` (which calls
            // `CustomValue`'s method: a supertrait's method cannot be named through it).
            let value = match custom_trait {
                Some(fits) => value(fits, &format_ident!("__to_attribute_value")),
                None => value(
                    quote!(#convert::CustomValue<()>),
                    &format_ident!("to_attribute_value"),
                ),
            };
            quote!(#private::custom_owned(#user, #name, #value)?;)
        }
        Mapping::Flatten { .. } => {
            let function =
                quote_spanned!(with.span()=> <_ as #krate::IntoUserComUser>::write_user_com_user);
            quote!(#function(&#converted, #user)?;)
        }
    };
    quote!({ let #converted = #with(&self.#member); #statement })
}

/// The binding of a `with` function's result (mixed-site, like every invented name).
fn converted_binding() -> Ident {
    Ident::new("__value", Span::mixed_site())
}

/// The where-clause predicate a generic field needs.
fn bound(paths: &Paths, ty: &Type, mapping: &Mapping) -> WherePredicate {
    let ty = ty_tokens(ty);
    let Paths { krate, convert, .. } = paths;
    match mapping {
        Mapping::Standard { name, family } => {
            let (trait_path, _) = family_trait(paths, *family, name);
            parse_quote!(#ty: #trait_path)
        }
        Mapping::Custom { .. } => parse_quote!(#ty: #convert::CustomValue<()>),
        Mapping::Flatten { .. } => parse_quote!(#ty: #krate::IntoUserComUser),
    }
}

/// Whether `ty` names one of the struct's type parameters.
pub(crate) fn mentions(ty: &Type, params: &HashSet<String>) -> bool {
    fn walk(tokens: TokenStream, params: &HashSet<String>) -> bool {
        tokens.into_iter().any(|token| match token {
            TokenTree::Ident(ident) => params.contains(&ident.to_string()),
            TokenTree::Group(group) => walk(group.stream(), params),
            _ => false,
        })
    }
    !params.is_empty() && walk(quote!(#ty), params)
}

/// Whether `ty` names one of the struct's lifetime parameters.
pub(crate) fn mentions_lifetime(ty: &Type, lifetimes: &HashSet<String>) -> bool {
    fn walk(tokens: TokenStream, lifetimes: &HashSet<String>) -> bool {
        let mut after_quote = false;
        tokens.into_iter().any(|token| {
            let found = match &token {
                TokenTree::Ident(ident) => after_quote && lifetimes.contains(&ident.to_string()),
                TokenTree::Group(group) => walk(group.stream(), lifetimes),
                _ => false,
            };
            after_quote = matches!(&token, TokenTree::Punct(p) if p.as_char() == '\'');
            found
        })
    }
    !lifetimes.is_empty() && walk(quote!(#ty), lifetimes)
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}

#[cfg(test)]
mod tests {
    /// Every `name_std` gets a marker that is an identifier, unique in the expansion, among
    /// them names of characters that are alphanumeric but may not stand in an identifier.
    #[test]
    fn every_name_gets_an_identifier() {
        let mut checks = super::SchemaChecks::default();
        let names = [
            "plan", "x²", "²", "½_off", "", "_", "type", "type_2", "9lives", "a-b", "a b", "plän",
            "\u{300}x", "日本", "x²", "x_",
        ];
        let mut seen = std::collections::HashSet::new();
        for name in names {
            let ident = checks.marker(name).to_string();
            assert!(
                syn::parse_str::<syn::Ident>(&ident).is_ok(),
                "{name:?} -> {ident:?}"
            );
            seen.insert(ident);
        }
        // One marker per distinct name (`x²` appears twice).
        assert_eq!(seen.len(), names.len() - 1);
        assert_eq!(checks.marker("x²").to_string(), "x_");
        assert_eq!(checks.marker("x_").to_string(), "x__2");
        assert_eq!(checks.marker("plän").to_string(), "plän");
        assert_eq!(checks.marker("²").to_string(), "__2");
        assert_eq!(checks.marker("").to_string(), "__3");
        assert_eq!(checks.marker("9lives").to_string(), "_9lives");
        assert_eq!(checks.marker("type").to_string(), "type_2");
        assert_eq!(checks.marker("type_2").to_string(), "type_2_2");
    }

    /// The plain-ASCII check agrees with syn's parse on keywords, reserved words and names.
    #[test]
    fn is_identifier_agrees_with_syn() {
        let words = [
            "_",
            "__",
            "a",
            "plan",
            "seats",
            "type",
            "fn",
            "Self",
            "self",
            "union",
            "macro_rules",
            "raw",
            "safe",
            "gen",
            "async",
            "await",
            "dyn",
            "try",
            "yield",
            "abstract",
            "box",
            "_type",
            "type_2",
            "r",
            "default",
            "static",
            "crate",
            "super",
        ];
        for word in words {
            assert_eq!(
                super::is_identifier(word),
                syn::parse_str::<syn::Ident>(word).is_ok(),
                "{word}"
            );
        }
    }
}
